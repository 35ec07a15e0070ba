import { StoreOpenError } from '../../errors';
import { LocalEvents } from '../local-events';
import type { JobImages, RelayStore } from '../store';
import { DiskJobs } from './disk-jobs';
import { DiskPlaces } from './disk-places';
import { diskTeamRecords } from './disk-team';
import type { JobFiles } from './job-files';
import { TokenFiles } from './token-files';

export interface DiskStoreOptions {
  /** Where the jobs' records and PNGs are kept (RELAY_DATA_DIR/jobs). */
  jobs: JobFiles;
  /** Where tokens.json and token-usage.json are kept (RELAY_DATA_DIR). */
  tokensDir: string;
  ttlMs: number;
  now?: () => number;
}

/**
 * The embedded store: everything in one data directory that one relay process owns, so its
 * places and events live in that process. Reads the jobs kept there before it resolves.
 */
export async function openDiskStore(options: DiskStoreOptions): Promise<RelayStore> {
  const now = options.now ?? Date.now;
  const events = new LocalEvents();
  const jobs = new DiskJobs(options.jobs, events, options.ttlMs, now);
  await jobs.load().catch((error: Error) => {
    throw new StoreOpenError(`cannot use the data directory ${options.tokensDir} (${error.message}). Set RELAY_DATA_DIR to a writable folder.`);
  });
  const files = options.jobs;
  const images: JobImages = { save: (id, png) => files.saveImage(id, png), open: (id) => files.openImage(id) };
  const tokens = new TokenFiles(options.tokensDir, now);
  const team = diskTeamRecords(options.tokensDir);
  return { ...team, jobs, images, events, places: new DiskPlaces(events, now, team.usage), tokens, close: () => tokens.flush() };
}
