import { encodeEditRequest } from './bench-request';
import { directToProvider, relayJob, relaySync, type Send } from './clients';
import { imageAnswer, startFixedDelayProvider } from './fixed-delay-provider';
import { runLoad } from './load';
import { noisePng } from './noise-png';
import { added, summarize } from './percentiles';
import { BENCH_API_KEY, benchRelayEnv } from './relay-env';
import { startRelayProcess } from './relay-process';
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

async function measure(load: (typeof LOADS)[number], paths: Path[]): Promise<Map<string, number[]>> {
  const durations = new Map(paths.map((path) => [path.name, [] as number[]]));
  for (const path of paths) await path.send(); // warm up connections and the relay's code paths
  if (load.concurrency === 1) {
    // One at a time, the paths take turns, so a drift of the machine touches them all alike.
    for (let i = 0; i < load.requests; i++) {
      for (const path of paths) durations.get(path.name)!.push(...(await runLoad({ ...load, requests: 1, send: path.send })));
    }
  } else {
    for (const path of paths) durations.set(path.name, await runLoad({ ...load, send: path.send }));
  }
  return durations;
}

export async function relayOverhead(): Promise<Section> {
  const edit = await encodeEditRequest(REFERENCES, REFERENCE_BYTES);
  const answer = imageAnswer(noisePng(ANSWER_PNG_BYTES, 99));
  const rows: string[][] = [];
  for (const load of LOADS) {
    const provider = await startFixedDelayProvider({ delayMs: load.delayMs, answer });
    const relayEnv = benchRelayEnv(provider.baseUrl);
    const relay = await startRelayProcess(relayEnv.env);
    try {
      const direct = { name: 'straight to the provider', send: directToProvider(provider.baseUrl, BENCH_API_KEY, edit) };
      const paths = [
        direct,
        { name: 'relay, synchronous', send: relaySync(relay.url, edit) },
        { name: 'relay, job (submit, long poll, PNG download)', send: relayJob(relay.url, edit) },
      ];
      const durations = await measure(load, paths);
      const baseline = summarize(durations.get(direct.name)!);
      for (const path of paths) {
        const summary = summarize(durations.get(path.name)!);
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
          isBaseline ? '' : load.concurrency === 1 ? `≤ ${TARGET_ADDED_MS_AT_1} ms added at p50` : `≤ ${TARGET_RATIO_AT_64}× at p50`,
          isBaseline ? '' : verdict(pass),
        ]);
      }
    } finally {
      await relay.stop();
      await provider.close();
      relayEnv.cleanUp();
    }
  }
  return {
    title: 'Relay overhead',
    method:
      `The same edit (${REFERENCES} references of ${mb(edit.referenceBytes / REFERENCES)} of incompressible PNG, ${mb(edit.body.length)} of multipart) ` +
      `answered with the same ${mb(answer.length)} base64 JSON, sent straight to the fake provider and through the relay. ` +
      'At concurrency 1 the paths take turns request by request; at 64, 64 clients each send one request after another, ' +
      'starting spread over one provider delay so the relay sees a steady stream. Added time = path percentile − direct percentile; ratio = path / direct.',
    columns: ['concurrency', 'provider delay', 'path', 'requests', 'p50', 'p95', 'added p50', 'added p95', 'ratio p50 / p95', 'target', 'result'],
    rows,
  };
}
