import { openDiskStore } from '../../relay/store/disk/disk-store';
import { JobFiles } from '../../relay/store/disk/job-files';
import type { RelayStore } from '../../relay/store/store';
import { temporaryDataDir } from './relay-process';
import { type RelayServerOptions, type RunningRelay, startRelay } from './relay-server';

export interface TeamRelay {
  relay: RunningRelay;
  /** The relay's store, for a test to create tokens, set budgets and read the ledger as an admin would. */
  store: RelayStore;
  close(): Promise<void>;
}

/** A relay that checks tokens, on a disk store in a fresh data directory that the test holds too (its options may use it: the admin page's do). */
export async function startTeamRelay(options: (store: RelayStore) => Omit<RelayServerOptions, 'store' | 'access' | 'now'>, now?: () => number): Promise<TeamRelay> {
  const dir = temporaryDataDir();
  const store = await openDiskStore({ jobs: new JobFiles(dir), tokensDir: dir, ttlMs: 3_600_000, now });
  const relay = await startRelay({ ...options(store), now, store, access: { tokens: store.tokens, loopback: true } });
  return {
    relay,
    store,
    close: async () => {
      await relay.close();
      await store.close();
    },
  };
}
