import { type FixedDelayProvider, startFixedDelayProvider } from './fixed-delay-provider';
import { benchRelaySetup, type RelayTarget } from './relay-env';
import { startRelayProcess } from '../tests/helpers/relay-process';

export interface BenchRelay extends RelayTarget {
  pid: number;
  inspectorUrl: string | undefined;
  provider: FixedDelayProvider;
}

/**
 * Runs `measure` against a fresh fake provider and a fresh relay process in front of it, and
 * stops both and removes the relay's data afterwards, whatever happens.
 */
export async function withBenchRelay<T>(
  provider: { delayMs: number; answer: Buffer },
  measure: (relay: BenchRelay) => Promise<T>,
  process: { nodeArgs?: string[]; env?: Record<string, string> } = {},
): Promise<T> {
  const fake = await startFixedDelayProvider(provider);
  const setup = await benchRelaySetup(fake.baseUrl);
  try {
    const relay = await startRelayProcess({ ...setup.env, ...process.env }, process.nodeArgs);
    try {
      return await measure({ url: relay.url, token: setup.token, pid: relay.pid, inspectorUrl: relay.inspectorUrl, provider: fake });
    } finally {
      await relay.stop();
    }
  } finally {
    await fake.close();
    setup.cleanUp();
  }
}
