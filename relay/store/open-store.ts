import { join } from 'node:path';
import { openDiskStore } from './disk/disk-store';
import { diskTeamRecords } from './disk/disk-team';
import { JobFiles } from './disk/job-files';
import { TokenFiles } from './disk/token-files';
import { openPostgresStore, openPostgresTokenStore } from './postgres/open-postgres';
import type { RelayStore, StoreOptions, TokenStoreHandle } from './store';

/** RELAY_DATA_DIR/jobs: each job's record and PNG. */
export function jobsDirectory(dataDir: string): string {
  return join(dataDir, 'jobs');
}

/** The one place that picks the store: with `options.databaseUrl` set PostgreSQL's (relay/store/postgres/), else the disk's. */
export function openStore(options: StoreOptions): Promise<RelayStore> {
  if (options.databaseUrl) return openPostgresStore({ ...options, databaseUrl: options.databaseUrl });
  return openDiskStore({ jobs: new JobFiles(jobsDirectory(options.dataDir)), tokensDir: options.dataDir, ttlMs: options.ttlMs, now: options.now });
}

/** The tokens alone, for the `token` command; the same choice of store as `openStore`. */
export async function openTokenStore(options: Pick<StoreOptions, 'dataDir' | 'databaseUrl' | 'now'>): Promise<TokenStoreHandle> {
  if (options.databaseUrl) return openPostgresTokenStore(options.databaseUrl, options.now);
  const tokens = new TokenFiles(options.dataDir, options.now);
  return { ...diskTeamRecords(options.dataDir), tokens, close: () => tokens.flush() };
}
