import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDiskStore } from '../../relay/store/disk/disk-store';
import { JobFiles } from '../../relay/store/disk/job-files';
import type { RelayStore } from '../../relay/store/store';
import { storeContract } from './store-contract';

/**
 * One process owns a data directory, so the second handle is the same store, and a restart opens
 * the directory anew, as the next start of the relay does.
 */
storeContract('the disk store', async ({ ttlMs, now }) => {
  const dir = await mkdtemp(join(tmpdir(), 'reimage-store-'));
  const open = () => openDiskStore({ jobs: new JobFiles(join(dir, 'jobs')), tokensDir: dir, ttlMs, now });
  let live: RelayStore = await open();
  return {
    store: live,
    second: async () => live,
    restart: async () => (live = await open()),
    close: async () => {
      await live.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
