import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BENCH_API_KEY = 'bench-provider-key';

/** The relay's environment for a bench run: live mode against the fake provider, its own data dir. */
export function benchRelayEnv(providerBaseUrl: string): { env: Record<string, string>; cleanUp(): void } {
  const dataDir = mkdtempSync(join(tmpdir(), 'reimage-bench-'));
  return {
    env: { LLMEASY_API_KEY: BENCH_API_KEY, LLMEASY_BASE_URL: providerBaseUrl, RELAY_DATA_DIR: dataDir },
    cleanUp: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}
