import { afterAll } from 'vitest';
import { openDiskStore } from '../../relay/store/disk/disk-store';
import { JobFiles } from '../../relay/store/disk/job-files';
import type { RelayStore } from '../../relay/store/store';
import { temporaryDataDir } from '../helpers/relay-process';
import { budgetPlacesContract } from './budget-places-contract';

const stores: RelayStore[] = [];
afterAll(() => Promise.all(stores.map((store) => store.close())));

// One process owns a data directory, so its one handle is both "instances".
budgetPlacesContract('disk', async () => {
  const dir = temporaryDataDir();
  const now = Date.parse('2026-12-10T12:00:00.000Z');
  const store = await openDiskStore({ jobs: new JobFiles(dir), tokensDir: dir, ttlMs: 3_600_000, now: () => now });
  stores.push(store);
  return { a: store, b: store, now };
});
