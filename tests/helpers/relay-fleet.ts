import { rm } from 'node:fs/promises';
import { startFakeLlmEasy, type FakeLlmEasy, type FakeLlmEasyOptions } from '../fakes/fake-llmeasy';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy';
import { printedToken, runRelayCommand, startRelayProcess, temporaryDataDir, type ServerProcess } from './relay-process';

export interface RelayFleetOptions {
  databaseUrl: string;
  /** How many instances; three by default. */
  count?: number;
  /** The provider they all call: hold its answers (a gate, a delay) to keep jobs in flight. */
  provider?: Omit<FakeLlmEasyOptions, 'apiKey'>;
  /** More of the relay's environment (limits), the same for every instance and command. */
  env?: Record<string, string>;
}

export interface RelayFleet {
  provider: FakeLlmEasy;
  /** The instances, by place; a restarted one takes its predecessor's place. */
  readonly instances: ServerProcess[];
  /** The load balancer in front of them all. */
  proxy: RoundRobinProxy;
  /** `npm run relay -- token create <name>` against the fleet's database: the token and its header. */
  createToken(name: string): Promise<{ token: string; auth: Record<string, string> }>;
  /** `npm run relay -- token revoke <name>` against the fleet's database. */
  revokeToken(name: string): Promise<void>;
  /** `kill -9`: the instance ends at once, as in a crash or a power cut, running no shutdown code. */
  kill(index: number): Promise<void>;
  /**
   * One step of a rolling restart, as a team does it: out of the load balancer, SIGTERM (the
   * instance drains its jobs and exits 0), started again, back into the load balancer.
   */
  restart(index: number): Promise<void>;
  stop(): Promise<void>;
}

/** How the instance exits: its exit code, null when a signal ended it. */
function ended(instance: ServerProcess): Promise<number | null> {
  if (instance.child.exitCode !== null || instance.child.signalCode !== null) return Promise.resolve(instance.child.exitCode);
  return new Promise((resolve) => instance.child.once('exit', resolve));
}

const API_KEY = 'sk-test-fleet';

/**
 * For expect.poll on what the fleet's processes do (a provider call reaching the fake, a cancel
 * told through the database): its default second is too short on a loaded 2-core machine running
 * several relay processes and PostgreSQL. A longer wait makes nothing pass that would not.
 */
export const FLEET_POLL = { timeout: 15_000, interval: 50 };

/** Waits for every one of `starts`; if any failed, stops those that started (`stop`) and rethrows the first failure. */
async function allStarted<T>(starts: Promise<T>[], stop: (started: T) => Promise<unknown>): Promise<T[]> {
  const settled = await Promise.allSettled(starts);
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (!failed) return settled.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
  await Promise.all(settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [stop(outcome.value)] : [])));
  throw failed.reason;
}

/**
 * Live relay processes as `npm run relay` starts them, on one database and one fake provider,
 * behind one round-robin proxy. Each process (and each command) has a data directory of its own,
 * so nothing they share can go through a disk. Commands and instances get the same environment,
 * as an admin's shell would.
 */
export async function startRelayFleet(options: RelayFleetOptions): Promise<RelayFleet> {
  const provider = await startFakeLlmEasy({ apiKey: API_KEY, ...options.provider });
  const env = { LLMEASY_API_KEY: API_KEY, LLMEASY_BASE_URL: provider.baseUrl, DATABASE_URL: options.databaseUrl, ...options.env };
  const dataDirs: string[] = [];
  const dataDir = () => {
    const dir = temporaryDataDir();
    dataDirs.push(dir);
    return dir;
  };
  const start = () => startRelayProcess({ ...env, RELAY_DATA_DIR: dataDir() });
  const command = async (args: string[]) => {
    const finished = await runRelayCommand(args, { ...env, RELAY_DATA_DIR: dataDir() });
    if (finished.code !== 0) throw new Error(`npm run relay -- ${args.join(' ')} exited with ${finished.code}: ${finished.stderr}${finished.stdout}`);
    return finished.stdout;
  };
  const removeDataDirs = () => Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  let instances: ServerProcess[];
  let proxy: RoundRobinProxy;
  // A fleet that cannot start leaves nothing behind: the instances that did start, the provider, their data.
  try {
    instances = await allStarted(Array.from({ length: options.count ?? 3 }, start), (instance) => instance.stop());
    proxy = await startRoundRobinProxy(instances.map((instance) => instance.url)).catch(async (error: unknown) => {
      await Promise.all(instances.map((instance) => instance.stop()));
      throw error;
    });
  } catch (error) {
    await provider.close();
    await removeDataDirs();
    throw error;
  }
  return {
    provider,
    instances,
    proxy,
    createToken: async (name) => printedToken(await command(['token', 'create', name]), `token create ${name}`),
    revokeToken: async (name) => void (await command(['token', 'revoke', name])),
    kill: async (index) => {
      const exit = ended(instances[index]);
      instances[index].child.kill('SIGKILL');
      await exit;
    },
    restart: async (index) => {
      proxy.out(index);
      const exit = ended(instances[index]);
      instances[index].child.kill('SIGTERM');
      const code = await exit;
      if (code !== 0) throw new Error(`Instance ${index} exited with ${code} after SIGTERM: ${instances[index].output()}`);
      instances[index] = await start();
      proxy.back(index, instances[index].url);
    },
    stop: async () => {
      await proxy.close();
      await Promise.all(instances.map((instance) => instance.stop()));
      await provider.close();
      await removeDataDirs();
    },
  };
}
