import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenFiles } from '../relay/store/disk/token-files';
import { createToken } from '../relay/tokens';

export const BENCH_API_KEY = 'bench-provider-key';

/** How the bench reaches a relay: its URL and the access token it sends. */
export interface RelayTarget {
  url: string;
  token: string;
}

/**
 * A relay set up as a team runs it: live mode against the fake provider, its own data directory,
 * one access token, and per-token limits raised so the bench's 64 clients are never refused.
 */
export async function benchRelaySetup(providerBaseUrl: string): Promise<{ env: Record<string, string>; token: string; cleanUp(): void }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'reimage-bench-'));
  const token = await createToken(new TokenFiles(dataDir), 'bench');
  return {
    env: {
      LLMEASY_API_KEY: BENCH_API_KEY,
      LLMEASY_BASE_URL: providerBaseUrl,
      RELAY_DATA_DIR: dataDir,
      MAX_JOBS_PER_TOKEN: '1000',
      MAX_JOBS_PER_MINUTE: '100000',
    },
    token,
    cleanUp: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}
