import { encodeEditRequest } from './bench-request';
import { directToProvider, relayJob, relaySync, type Send } from './clients';
import { withBenchRelay } from './bench-relay';
import { imageAnswer } from './fixed-delay-provider';
import { runLoad } from './load';
import { noisePng } from './noise-png';
import { cpuTimeOf } from './cpu-time';
import { added, summarize } from './percentiles';
import { BENCH_API_KEY } from './relay-env';
import { mb, ms, type Section, verdict } from './report';

const REFERENCES = 3;
const REFERENCE_BYTES = 1.5e6;
/** A PNG of this size is a base64 answer of about 4 MB. */
const ANSWER_PNG_BYTES = 3e6;
const TARGET_ADDED_MS_AT_1 = 5;
const TARGET_RATIO_AT_64 = 1.1;

/**
 * At one request at a time the delay only has to be longer than the transfer; at 64 the ratio
 * depends on it, and 5 s is still a twelfth of the minute the real provider takes.
 */
const LOADS = [
  { concurrency: 1, delayMs: 250, requests: 30, spreadMs: 0 },
  { concurrency: 64, delayMs: 5000, requests: 64, spreadMs: 5000 },
] as const;

interface Path {
  name: string;
  send: Send;
}

interface PathResult {
  durations: number[];
  /** CPU the relay used during the path's run, where it can be told apart (not when paths take turns). */
  relayCpuMs?: number;
}

async function measure(load: (typeof LOADS)[number], paths: Path[], relayPid: number): Promise<Map<string, PathResult>> {
  const results = new Map<string, PathResult>(paths.map((path) => [path.name, { durations: [] }]));
  for (const path of paths) await path.send(); // warm up connections and the relay's code paths
  if (load.concurrency === 1) {
    // One at a time, the paths take turns, so a drift of the machine touches them all alike.
    for (let i = 0; i < load.requests; i++) {
      for (const path of paths) results.get(path.name)!.durations.push(...(await runLoad({ ...load, requests: 1, send: path.send })));
    }
  } else {
    for (const path of paths) {
      const cpuBefore = cpuTimeOf(relayPid);
      const durations = await runLoad({ ...load, send: path.send });
      const cpuAfter = cpuTimeOf(relayPid);
      results.set(path.name, { durations, relayCpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore });
    }
  }
  return results;
}

export async function relayOverhead(): Promise<Section> {
  const edit = await encodeEditRequest(REFERENCES, REFERENCE_BYTES);
  const answer = imageAnswer(noisePng(ANSWER_PNG_BYTES, 99));
  const rows: string[][] = [];
  for (const load of LOADS) {
    await withBenchRelay({ delayMs: load.delayMs, answer }, async (relay) => {
      const direct = { name: 'straight to the provider', send: directToProvider(relay.provider.baseUrl, BENCH_API_KEY, edit) };
      const paths = [
        direct,
        { name: 'relay, synchronous', send: relaySync(relay, edit) },
        { name: 'relay, job (submit, long poll, PNG download)', send: relayJob(relay, edit) },
      ];
      const results = await measure(load, paths, relay.pid);
      const baseline = summarize(results.get(direct.name)!.durations);
      for (const path of paths) {
        const { durations, relayCpuMs } = results.get(path.name)!;
        const summary = summarize(durations);
        const extra = added(summary, baseline);
        const isBaseline = path === direct;
        const pass = load.concurrency === 1 ? extra.p50 <= TARGET_ADDED_MS_AT_1 : extra.ratioP50 <= TARGET_RATIO_AT_64;
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
          isBaseline || relayCpuMs === undefined ? '' : ms(relayCpuMs / summary.count),
          isBaseline ? '' : load.concurrency === 1 ? `≤ ${TARGET_ADDED_MS_AT_1} ms added at p50` : `≤ ${TARGET_RATIO_AT_64}× at p50`,
          isBaseline ? '' : verdict(pass),
        ]);
      }
    });
  }
  return {
    title: 'Relay overhead',
    method:
      `The same edit (${REFERENCES} references of ${mb(edit.referenceBytes / REFERENCES)} of incompressible PNG, ${mb(edit.body.length)} of multipart) ` +
      `answered with the same ${mb(answer.length)} base64 JSON, sent straight to the fake provider and through the relay. ` +
      'At concurrency 1 the paths take turns request by request; at 64, 64 clients each send one request after another, ' +
      'starting spread over one provider delay so the relay sees a steady stream. Added time = path percentile − direct percentile; ratio = path / direct.',
    columns: ['concurrency', 'provider delay', 'path', 'requests', 'p50', 'p95', 'added p50', 'added p95', 'ratio p50 / p95', 'relay CPU per request', 'target', 'result'],
    rows,
  };
}
