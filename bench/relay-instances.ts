import { availableParallelism } from 'node:os';
import { openTokenStore } from '../relay/store/open-store';
import { createToken } from '../relay/tokens';
import { startRelayProcess, type ServerProcess } from '../tests/helpers/relay-process';
import { startPostgresCluster, type PostgresCluster } from '../tests/helpers/postgres-cluster';
import { encodeEditRequest, type EncodedRequest } from './bench-request';
import { directToProvider, relayJob, type Send } from './clients';
import { imageAnswer, startFixedDelayProvider } from './fixed-delay-provider';
import { noisePngOfAbout } from '../tests/fakes/noise-png';
import { type Load, LOADS, measurePaths, type Path } from './path-load';
import { childrenOf } from './cpu-time';
import { added, summarize, type Summary } from './percentiles';
import { postgresFloor } from './postgres-floor';
import { BENCH_API_KEY, benchRelaySetup, type RelayTarget } from './relay-env';
import { mb, ms, type Measured, verdict } from './report';
import { sampleRss } from './rss';

const REFERENCES = 3;
const REFERENCE_BYTES = 1.5e6;
const ANSWER_PNG_BYTES = 3e6;
/** The PostgreSQL store may add this much at p50 over the disk store. */
const TARGET_OVER_DISK_MS = 10;
/** Three instances serve 64 designers with the same p95 as one: within this share of one instance's p95. */
const SAME_P95 = 1.02;
/** A token each, as a team's designers have: the limits and their locks are per token. */
const DESIGNERS = 64;

/**
 * How the load balancer in front of several instances picks one for a request: the next one each
 * time, or always the same one for a token (the README's nginx example, `hash $http_authorization
 * consistent`), which sends a designer's polls and download to the instance that runs their job.
 */
type Balance = 'round robin' | 'by token';

const SETUPS = [
  { name: 'disk store, 1 instance', instances: 1, postgres: false },
  { name: 'PostgreSQL, 1 instance', instances: 1, postgres: true },
  { name: 'PostgreSQL, 2 instances, round robin', instances: 2, postgres: true, balance: 'round robin' },
  { name: 'PostgreSQL, 3 instances, round robin', instances: 3, postgres: true, balance: 'round robin' },
  { name: 'PostgreSQL, 2 instances, by token', instances: 2, postgres: true, balance: 'by token' },
  { name: 'PostgreSQL, 3 instances, by token', instances: 3, postgres: true, balance: 'by token' },
] as const satisfies readonly { name: string; instances: number; postgres: boolean; balance?: Balance }[];
type Setup = (typeof SETUPS)[number];
const DISK = SETUPS[0];
const ONE_ON_POSTGRES = SETUPS[1];

interface Running {
  /** One job of the next designer, each with their own token. */
  send: Send;
  processes: ServerProcess[];
  stop(): Promise<void>;
}

/**
 * The designers' targets, each request's instance picked as the load balancer picks it. Round
 * robin: each read of `url`, whoever reads it, gives the next instance (one count for all, as one
 * balancer keeps it), so a job is polled and downloaded on other instances than the one that runs
 * it. By token: the designer's own instance every time (designers spread evenly, as a consistent
 * hash of many tokens spreads them). The bench's client does the balancing itself, so that no
 * proxy's own hop (see "Relay overhead") is added to the setups with several instances.
 */
function balanced(balance: Balance | undefined, urls: string[], tokens: string[]): RelayTarget[] {
  if (balance !== 'round robin') return tokens.map((token, designer) => ({ token, url: urls[designer % urls.length] }));
  let next = 0;
  return tokens.map((token) => ({
    token,
    get url() {
      return urls[next++ % urls.length];
    },
  }));
}

/** The designers' tokens, made in the setup's store (its data directory, or its database) as the token command makes them. */
async function designerTokens(dataDir: string, databaseUrl: string | undefined, prefix: string): Promise<string[]> {
  const store = await openTokenStore({ dataDir, databaseUrl });
  try {
    const tokens = [];
    for (let i = 0; i < DESIGNERS; i++) tokens.push(await createToken(store.tokens, `${prefix}-designer-${i}`));
    return tokens;
  } finally {
    await store.close();
  }
}

/** A setup's instances, started as a team runs them, and its designers, each sending a job in turn. */
async function startSetup(setup: Setup, edit: EncodedRequest, providerBaseUrl: string, cluster: PostgresCluster | undefined, prefix: string): Promise<Running> {
  const base = await benchRelaySetup(providerBaseUrl);
  const env = cluster ? { ...base.env, DATABASE_URL: cluster.url } : base.env;
  const processes: ServerProcess[] = [];
  try {
    const tokens = await designerTokens(env.RELAY_DATA_DIR, cluster?.url, prefix);
    processes.push(...(await Promise.all(Array.from({ length: setup.instances }, () => startRelayProcess(env)))));
    const urls = processes.map((instance) => instance.url);
    const designers = balanced('balance' in setup ? setup.balance : undefined, urls, tokens).map((target) => relayJob(target, edit));
    let next = 0;
    return {
      send: () => designers[next++ % designers.length](),
      processes,
      stop: async () => {
        await Promise.all(processes.map((instance) => instance.stop()));
        base.cleanUp();
      },
    };
  } catch (error) {
    await Promise.all(processes.map((instance) => instance.stop()));
    base.cleanUp();
    throw error;
  }
}

interface SetupResult {
  summary: Summary;
  wallMs: number;
  cpuMs: number | undefined;
  databaseCpuMs: number | undefined;
  /** The share of the machine's cores busy meanwhile, with every process counted. */
  busy: number | undefined;
  /** The highest RSS any one of its instances reached. */
  peakRssPerInstance: number;
}

/** Every setup under one load, each on its own database so that one's notifications and sweeps never reach another. */
async function measureLoad(load: Load, clusters: Map<Setup, PostgresCluster>): Promise<{ direct: Summary; results: Map<Setup, SetupResult> }> {
  const edit = await encodeEditRequest(REFERENCES, REFERENCE_BYTES);
  const provider = await startFixedDelayProvider({ delayMs: load.delayMs, answer: imageAnswer(noisePngOfAbout(ANSWER_PNG_BYTES, 99)) });
  const running = new Map<Setup, Running>();
  try {
    for (const setup of SETUPS) running.set(setup, await startSetup(setup, edit, provider.baseUrl, clusters.get(setup), `at-${load.concurrency}`));
    const direct: Path = { name: 'straight to the provider', send: directToProvider(provider.baseUrl, BENCH_API_KEY, edit) };
    const paths = new Map<Setup, Path>(
      SETUPS.map((setup) => {
        const { send, processes } = running.get(setup)!;
        const cluster = clusters.get(setup);
        const serverPids = cluster && (() => [cluster.serverPid(), ...childrenOf(cluster.serverPid())]);
        // Two jobs an instance: by token each designer's jobs go to one instance, and the designers take turns.
        const warmups = 2 * processes.length;
        return [setup, { name: setup.name, send, warmups, pids: processes.map((instance) => instance.pid), ...(serverPids ? { serverPids } : {}) }];
      }),
    );
    const samplers = new Map(SETUPS.map((setup) => [setup, running.get(setup)!.processes.map((instance) => sampleRss(instance.pid, 10))]));
    const peaks = new Map<Setup, number>();
    let measured;
    try {
      measured = await measurePaths(load, [direct, ...paths.values()]);
    } finally {
      // Above concurrency 1 the setups take turns a whole load at a time, so an instance's peak is from its own setup's turns.
      for (const [setup, list] of samplers) peaks.set(setup, Math.max(...list.map((sampler) => sampler.stop())));
    }
    const results = new Map<Setup, SetupResult>();
    for (const setup of SETUPS) {
      const { durations, wallMs, cpuMs, serverCpuMs, ticks } = measured.get(setup.name)!;
      const busy = ticks && ticks.total > 0 ? ticks.busy / ticks.total : undefined;
      results.set(setup, { summary: summarize(durations), wallMs, cpuMs, databaseCpuMs: serverCpuMs, busy, peakRssPerInstance: peaks.get(setup)! });
    }
    return { direct: summarize(measured.get(direct.name)!.durations), results };
  } finally {
    await Promise.all([...running.values()].map((setup) => setup.stop()));
    await provider.close();
  }
}

/**
 * Which target a setup's row is held to under a load, and whether it met it. The two: the
 * PostgreSQL store against the disk store (one instance each, like for like), and several
 * instances serving 64 designers with one instance's p95. Several instances at one designer have
 * no target: there each job's PNG crosses the database on its way (see the floor below).
 */
function target(setup: Setup, load: Load, results: Map<Setup, SetupResult>, direct: Summary): { text: string; pass: boolean } | undefined {
  if (setup === DISK) return undefined;
  const own = results.get(setup)!.summary;
  if (setup === ONE_ON_POSTGRES) {
    const overDisk = added(own, direct).p50 - added(results.get(DISK)!.summary, direct).p50;
    return { text: `≤ disk + ${TARGET_OVER_DISK_MS} ms at p50`, pass: overDisk <= TARGET_OVER_DISK_MS };
  }
  if (load.concurrency === 1) return undefined;
  const one = results.get(ONE_ON_POSTGRES)!.summary;
  return { text: `p95 ≤ ${SAME_P95}× one instance's`, pass: own.p95 <= one.p95 * SAME_P95 };
}

export async function relayInstances(): Promise<Measured> {
  const clusters = new Map<Setup, PostgresCluster>();
  try {
    for (const setup of SETUPS) if (setup.postgres) clusters.set(setup, await startPostgresCluster());
    const rows: string[][] = [];
    const missed: { setup: Setup; load: Load; result: SetupResult }[] = [];
    for (const load of LOADS) {
      const { direct, results } = await measureLoad(load, clusters);
      rows.push([String(load.concurrency), 'straight to the provider', String(direct.count), '', ms(direct.p50), ms(direct.p95), '', '', '', '', '', '', '', '']);
      for (const setup of SETUPS) {
        const { summary, wallMs, cpuMs, databaseCpuMs, busy, peakRssPerInstance } = results.get(setup)!;
        const extra = added(summary, direct);
        const goal = target(setup, load, results, direct);
        if (goal && !goal.pass) missed.push({ setup, load, result: results.get(setup)! });
        rows.push([
          String(load.concurrency),
          setup.name,
          String(summary.count),
          (summary.count / (wallMs / 1000)).toFixed(2),
          ms(summary.p50),
          ms(summary.p95),
          ms(extra.p50),
          ms(extra.p95),
          cpuMs === undefined ? '' : ms(cpuMs / summary.count),
          databaseCpuMs === undefined ? '' : ms(databaseCpuMs / summary.count),
          busy === undefined ? '' : `${Math.round(busy * 100)}%`,
          mb(peakRssPerInstance),
          goal?.text ?? (setup === DISK ? 'reference' : ''),
          goal ? verdict(goal.pass) : '',
        ]);
      }
    }
    const floor = await postgresFloor(clusters.get(ONE_ON_POSTGRES)!, noisePngOfAbout(ANSWER_PNG_BYTES, 99));
    const serverCpu = (cpu: number | undefined) => (cpu === undefined ? '' : ` and ${ms(cpu)} of the database server's CPU`);
    return {
      method:
        `Jobs (submit, long poll, PNG download) with the same edit as "Relay overhead" (${REFERENCES} references of ${mb(REFERENCE_BYTES)}, a ${mb(ANSWER_PNG_BYTES)} PNG answer), ` +
        `sent by ${DESIGNERS} designers in turn, each with a token of their own, ` +
        'against the disk store on one instance and against PostgreSQL with 1, 2 and 3 instances on one database (a throwaway cluster per setup, made as the tests make theirs). ' +
        'Several instances are measured behind two load balancers: round robin (each request to the next instance, so a job is polled and downloaded on instances that do not run it) ' +
        'and by token (a designer\'s requests always to the same instance, as the README\'s nginx example does with `hash $http_authorization consistent`). ' +
        `Loads as in "Relay overhead" (at concurrency 1 the setups take turns job by job; at ${LOADS[1].concurrency}, a load each in ${LOADS[1].rounds} rounds). Jobs per second = jobs / the time the setup's jobs took; ` +
        "added = setup percentile − straight-to-the-provider percentile; CPU per job: the instances' together, and the database server's processes'; " +
        'machine busy: the share of all cores busy meanwhile, every process counted (the instances, the database, the fake provider, the load driver and anything else running); ' +
        'peak RSS is the highest any one instance reached during the load. ' +
        `Targets, as the issue sets them: the PostgreSQL store adds at most ${TARGET_OVER_DISK_MS} ms at p50 over the disk store (one instance each), ` +
        `and several instances serve ${DESIGNERS} designers with one instance's p95 (within ${SAME_P95}×).`,
      columns: [
        'concurrency', 'setup', 'jobs', 'jobs per second', 'p50', 'p95', 'added p50', 'added p95',
        'CPU per job in the instances', 'CPU per job in the database', 'machine busy', 'peak RSS per instance', 'target', 'result',
      ],
      rows,
      notes: [
        `**What PostgreSQL costs at the least.** On this machine one round trip to the database (\`SELECT 1\`, the bare client) takes ${ms(floor.roundTrip.p50)} at p50; ` +
          `writing the ${mb(ANSWER_PNG_BYTES)} PNG as bytea in pieces of 1 MiB takes ${ms(floor.write.p50)} (p95 ${ms(floor.write.p95)})${serverCpu(floor.serverWriteCpuMs)}, ` +
          `and reading it back ${ms(floor.read.p50)} (p95 ${ms(floor.read.p95)})${serverCpu(floor.serverReadCpuMs)}, both as binary COPY, as the store does. ` +
          "With one instance the write is off the job's path (its last poll and its download are answered from memory while the PNG is stored), but its CPU is not: " +
          'at 64 designers the database works beside the instances on the same cores. With several instances behind round robin, the last poll and the download reach instances ' +
          "that did not run the job: they wait for the PNG to be in the database and read it back, so each job pays the write and the read on its way; " +
          'that is why those setups have no target at one designer. By token they reach the instance that runs the job, as with one.',
        ...(missed.length > 0
          ? [
              `**Missed: ${missed.map(({ setup, load }) => `${setup.name} at ${load.concurrency}`).join('; ')}.** ` +
                missed
                  .map(({ setup, load, result }) => {
                    const perJob = ((result.cpuMs ?? 0) + (result.databaseCpuMs ?? 0)) / result.summary.count;
                    const cores = (perJob * result.summary.count) / result.wallMs;
                    const busy = result.busy === undefined ? 'an unknown share' : `${Math.round(result.busy * 100)}%`;
                    return `${setup.name} at ${load.concurrency}: the instances and the database used ${ms(perJob)} of CPU per job, ${cores.toFixed(2)} of this machine's ${availableParallelism()} cores, which were ${busy} busy.`;
                  })
                  .join(' ') +
                " Every process here shares the machine's cores (the instances, the database server, the fake provider and the load driver): " +
                'more instances cannot make a job faster when they have no cores of their own, and a job waits for a core whenever they are nearly all busy. ' +
                'On machines of their own the CPU per job would be spread over them. On a shared machine (see the load average above) every wall-clock number is inflated too.',
            ]
          : []),
      ],
    };
  } finally {
    await Promise.all([...clusters.values()].map((cluster) => cluster.stop()));
  }
}
