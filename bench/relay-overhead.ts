import { fileURLToPath } from 'node:url';
import { startServerProcess } from '../tests/helpers/relay-process';
import type { BareProxyMode } from './bare-proxy';
import { encodeEditRequest } from './bench-request';
import { directToProvider, relayJob, relaySync } from './clients';
import { withBenchRelay } from './bench-relay';
import { imageAnswer } from './fixed-delay-provider';
import { noisePngOfAbout } from '../tests/fakes/noise-png';
import { LOADS, measurePaths, type Path } from './path-load';
import { added, summarize } from './percentiles';
import { BENCH_API_KEY } from './relay-env';
import { mb, ms, type Measured, verdict } from './report';

const REFERENCES = 3;
const REFERENCE_BYTES = 1.5e6;
/** A PNG of this size is a base64 answer of about 4 MB. */
const ANSWER_PNG_BYTES = 3e6;
/** The synchronous path at one request at a time: what an SDK client waits beyond the provider. */
const TARGET_ADDED_MS_AT_1 = 5;
/** The provider call a real image takes (60 to 200 s), which the job path's target is a share of. */
export const REAL_PROVIDER_MS = 60_000;
/**
 * The job path writes its record before calling the provider (so an image it could not keep is
 * never paid for) and takes two more round trips: its target is 0.1% of a real provider call.
 */
export const JOB_PATH_TARGET_MS = REAL_PROVIDER_MS * 0.001;
const TARGET_RATIO_AT_64 = 1.1;
const BARE_PROXY = fileURLToPath(new URL('./bare-proxy.ts', import.meta.url));
const BARE_PROXIES = [
  { mode: 'pipe', name: 'reference: bare proxy, streaming both ways, no checks' },
  { mode: 'whole', name: 'reference: bare proxy, whole bodies, no checks' },
] as const satisfies readonly { mode: BareProxyMode; name: string }[];

function startBareProxy(providerBaseUrl: string, mode: BareProxyMode) {
  return startServerProcess(BARE_PROXY, [providerBaseUrl, mode], {});
}

export async function relayOverhead(): Promise<Measured> {
  const edit = await encodeEditRequest(REFERENCES, REFERENCE_BYTES);
  const answer = imageAnswer(noisePngOfAbout(ANSWER_PNG_BYTES, 99));
  const rows: string[][] = [];
  let missed = false;
  /** The most CPU the relay spent on one request of a path at 64 clients. */
  let cpuPerRequestAt64 = 0;
  /** What each path added at p50, and its CPU per request, at one request at a time. */
  const at1 = new Map<string, { addedMs: number; cpuMs: number | undefined }>();
  for (const load of LOADS) {
    await withBenchRelay({ delayMs: load.delayMs, answer }, async (relay) => {
      const direct = { name: 'straight to the provider', send: directToProvider(relay.provider.baseUrl, BENCH_API_KEY, edit) };
      // At one request at a time, the least any relay could add on this machine, measured beside it.
      const proxies = load.concurrency === 1 ? await Promise.all(BARE_PROXIES.map((proxy) => startBareProxy(relay.provider.baseUrl, proxy.mode))) : [];
      const paths = [
        direct,
        ...proxies.map((proxy, i) => ({ name: BARE_PROXIES[i].name, send: relaySync({ url: proxy.url, token: 'unused' }, edit), pids: [proxy.pid] })),
        { name: SYNC_PATH, send: relaySync(relay, edit), pids: [relay.pid] },
        { name: JOB_PATH, send: relayJob(relay, edit), pids: [relay.pid] },
      ];
      const results = await measurePaths(load, paths).finally(() => Promise.all(proxies.map((proxy) => proxy.stop())));
      const isReference = (path: Path) => path === direct || BARE_PROXIES.some((proxy) => proxy.name === path.name);
      const baseline = summarize(results.get(direct.name)!.durations);
      for (const path of paths) {
        const { durations, cpuMs, wallMs } = results.get(path.name)!;
        const summary = summarize(durations);
        const extra = added(summary, baseline);
        const isBaseline = path === direct;
        const reference = isReference(path);
        const targetAt1 = path.name === JOB_PATH ? JOB_PATH_TARGET_MS : TARGET_ADDED_MS_AT_1;
        const pass = load.concurrency === 1 ? extra.p50 <= targetAt1 : extra.ratioP50 <= TARGET_RATIO_AT_64;
        if (!reference) missed ||= !pass;
        if (!isBaseline && load.concurrency > 1 && cpuMs !== undefined) cpuPerRequestAt64 = Math.max(cpuPerRequestAt64, cpuMs / summary.count);
        if (load.concurrency === 1) at1.set(path.name, { addedMs: extra.p50, cpuMs: cpuMs === undefined ? undefined : cpuMs / summary.count });
        rows.push([
          String(load.concurrency),
          `${(load.delayMs / 1000).toFixed(2)} s`,
          path.name,
          String(summary.count),
          ms(summary.p50),
          ms(summary.p95),
          isBaseline ? '' : ms(extra.p50),
          isBaseline ? '' : ms(extra.p95),
          isBaseline ? '' : `${extra.ratioP50.toFixed(3)} / ${extra.ratioP95.toFixed(3)}`,
          isBaseline || cpuMs === undefined ? '' : `${ms(cpuMs / summary.count)} (${((cpuMs / wallMs) * 100).toFixed(0)}% of a core)`,
          reference ? '' : load.concurrency === 1 ? `≤ ${targetAt1} ms added at p50` : `≤ ${TARGET_RATIO_AT_64}× at p50`,
          reference ? '' : verdict(pass),
        ]);
      }
    });
  }
  return {
    method:
      `The same edit (${REFERENCES} references of ${mb(edit.referenceBytes / REFERENCES)} of incompressible PNG, ${mb(edit.body.length)} of multipart) ` +
      `answered with the same ${mb(answer.length)} base64 JSON, sent straight to the fake provider and through the relay. ` +
      'At concurrency 1 the paths take turns request by request; at 64, 64 clients each send one request after another, ' +
      `starting spread over one provider delay so the relay sees a steady stream, and the paths take turns in ${LOADS[1].rounds} rounds of ${LOADS[1].requests} requests each, so a drift of the machine touches them alike. Added time = path percentile − direct percentile; ratio = path / direct. ` +
      `The job path's target at concurrency 1 is 0.1% of a ${REAL_PROVIDER_MS / 1000} s provider call: it writes the job's record before calling the provider ` +
      '(see "Writing a job\'s record first") and takes two more round trips, for a client that waits a minute or more anyway.',
    columns: ['concurrency', 'provider delay', 'path', 'requests', 'p50', 'p95', 'added p50', 'added p95', 'ratio p50 / p95', 'CPU per request in the middle (busy)', 'target', 'result'],
    rows,
    notes: missed ? whyMissed(at1, cpuPerRequestAt64, edit.body.length + answer.length) : [],
  };
}

const SYNC_PATH = 'relay, synchronous';
const JOB_PATH = 'relay, job (submit, long poll, PNG download)';

/** What a path adds beyond the cheapest bare proxy; within a millisecond, the run cannot tell them apart. */
function beyond(path: { addedMs: number } | undefined, floor: number): string {
  if (!path) return 'an unmeasured time';
  const extra = path.addedMs - floor;
  return extra < 1 ? `nothing measurable (${ms(extra)}, within the noise)` : ms(extra);
}

/** What the reference proxies and the profile say about a miss; the numbers come from this run. */
function whyMissed(at1: Map<string, { addedMs: number; cpuMs: number | undefined }>, cpuPerRequestAt64: number, bytesPerRequest: number): string[] {
  const realProviderSeconds = REAL_PROVIDER_MS / 1000;
  const shareAtRealPace = ((64 / realProviderSeconds) * cpuPerRequestAt64) / 1000;
  const floor = Math.min(...BARE_PROXIES.map((proxy) => at1.get(proxy.name)?.addedMs ?? Infinity));
  const floorCpu = Math.min(...BARE_PROXIES.map((proxy) => at1.get(proxy.name)?.cpuMs ?? Infinity));
  const sync = at1.get(SYNC_PATH);
  const job = at1.get(JOB_PATH);
  return [
    `**What stands in the way at one request.** A relay is one more hop: the request and the answer (${mb(bytesPerRequest)} together here) cross loopback ` +
      `twice instead of once. The two bare proxies above check nothing and still add ${ms(floor)} at p50 on this machine, burning ${ms(floorCpu)} of CPU per request ` +
      'just to move the bytes through Node; streaming both ways does not beat reading whole bodies here, because the three processes (client, proxy, provider) ' +
      `share the machine's cores. So ${TARGET_ADDED_MS_AT_1} ms, the synchronous target, is below what any relay costs here. The relay's own part is what it adds beyond them: ` +
      `${beyond(sync, floor)} synchronously (checking every part of the multipart as it streams in, finding and checking the PNG in the answer) and ` +
      `${beyond(job, floor)} for a job, which also writes its record before calling the provider, decodes the PNG and takes two more round trips (the long poll's answer and the PNG download); ` +
      `the job path's ${JOB_PATH_TARGET_MS} ms target leaves ${ms(JOB_PATH_TARGET_MS - floor)} for that beyond the cheapest bare proxy. ` +
      '"Where the relay\'s time goes" below names the hot spots: mostly garbage collection, which V8 runs for every few dozen megabytes of Buffers the sockets allocate.',
    `**At 64 clients** the relay's one thread is what limits it: the busy column is its share of one core during the run; near or above 100% requests queue behind each other. ` +
      `The ratio depends on the provider's delay, which is 5 s here. At the ${realProviderSeconds} s the real provider takes, 64 designers send about ${(64 / realProviderSeconds).toFixed(1)} requests a second, ` +
      `which at the ${ms(cpuPerRequestAt64)} of CPU measured per request keeps the relay ${(shareAtRealPace * 100).toFixed(0)}% busy${shareAtRealPace < 0.7 ? ': it would keep up' : ': it would still queue'}.`,
    '**On a shared machine** (see the load average above) every wall-clock number here is inflated; the CPU per request is the steadier figure.',
  ];
}
