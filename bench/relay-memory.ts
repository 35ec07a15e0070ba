import { encodeEditRequest, type EncodedRequest } from './bench-request';
import { relayJob, relaySync, type Send } from './clients';
import { type BenchRelay, withBenchRelay } from './bench-relay';
import { imageAnswer } from './fixed-delay-provider';
import { runLoad } from './load';
import { noisePng } from './noise-png';
import { mb, type Section, verdict } from './report';
import { rssOf, sampleRss } from './rss';

const IN_FLIGHT = 64;
const RESULT_PNG_BYTES = 10e6;
const TARGET_BASE_BYTES = 150 * 1024 * 1024;
const TARGET_PER_BYTE_IN_FLIGHT = 1.5;
/** Smaller requests for the leak run, so 1,000 of them fit in the bench's time. */
const LEAK_REFERENCE_BYTES = 200e3;
const LEAK_RESULT_PNG_BYTES = 300e3;
const LEAK_CONCURRENCY = 8;
/** RSS may settle a little after warm-up; more than this is growth. */
const LEAK_TOLERANCE = 1.1;

async function peakWithResultsInFlight(path: string, send: (relay: BenchRelay, edit: EncodedRequest) => Send): Promise<string[]> {
  const edit = await encodeEditRequest(3, 1.5e6);
  const result = noisePng(RESULT_PNG_BYTES, 7);
  return withBenchRelay({ delayMs: 2000, answer: imageAnswer(result) }, async (relay) => {
    const idle = rssOf(relay.pid);
    const sampler = sampleRss(relay.pid, 10);
    await runLoad({ concurrency: IN_FLIGHT, requests: IN_FLIGHT, spreadMs: 0, send: send(relay, edit) });
    const peak = sampler.stop();
    const inFlight = IN_FLIGHT * (edit.body.length + result.length);
    const target = TARGET_BASE_BYTES + TARGET_PER_BYTE_IN_FLIGHT * inFlight;
    return [`peak RSS, ${IN_FLIGHT} ${path} requests in flight`, `idle ${mb(idle)}; in flight ${mb(inFlight)} (requests + PNG results)`, mb(peak), `≤ ${mb(target)}`, verdict(peak <= target)];
  });
}

async function growthOverRequests(path: string, send: (relay: BenchRelay, edit: EncodedRequest) => Send): Promise<string[]> {
  const edit = await encodeEditRequest(1, LEAK_REFERENCE_BYTES);
  return withBenchRelay({ delayMs: 0, answer: imageAnswer(noisePng(LEAK_RESULT_PNG_BYTES, 5)) }, async (relay) => {
    const load = { concurrency: LEAK_CONCURRENCY, spreadMs: 0, send: send(relay, edit) };
    await runLoad({ ...load, requests: 100 });
    const after100 = rssOf(relay.pid);
    await runLoad({ ...load, requests: 900 });
    const after1000 = rssOf(relay.pid);
    return [
      `RSS after 1,000 ${path} requests vs after 100`,
      `after 100: ${mb(after100)}`,
      `${mb(after1000)} (${((after1000 / after100 - 1) * 100).toFixed(1)}%)`,
      `≤ ${((LEAK_TOLERANCE - 1) * 100).toFixed(0)}% growth`,
      verdict(after1000 <= after100 * LEAK_TOLERANCE),
    ];
  });
}

export async function relayMemory(): Promise<Section> {
  const sync = relaySync;
  const job = relayJob;
  const rows = [
    await peakWithResultsInFlight('synchronous', sync),
    await peakWithResultsInFlight('job', job),
    await growthOverRequests('synchronous', sync),
    await growthOverRequests('job', job),
  ];
  return {
    title: 'Relay memory',
    method:
      `RSS of the relay process (a fresh one per row), sampled every 10 ms. Peak: ${IN_FLIGHT} clients at once, each sending 3 references of 1.5 MB, ` +
      `the provider answering each after 2 s with a ${mb(RESULT_PNG_BYTES)} PNG (${mb((RESULT_PNG_BYTES * 4) / 3)} of base64). ` +
      `Growth: ${LEAK_CONCURRENCY} clients, 1,000 requests (one ${mb(LEAK_REFERENCE_BYTES)} reference, ${mb(LEAK_RESULT_PNG_BYTES)} PNG answer, no provider delay).`,
    columns: ['measure', 'context', 'result', 'target', 'result'],
    rows,
  };
}
