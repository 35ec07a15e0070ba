import { encodeEditRequest, type EncodedRequest } from './bench-request';
import { relayJob, relaySync, type Send } from './clients';
import { type BenchRelay, withBenchRelay } from './bench-relay';
import { imageAnswer } from './fixed-delay-provider';
import { runLoad } from './load';
import { noisePngOfAbout } from './noise-png';
import { mb, type Section, verdict } from './report';
import { connectInspector } from './inspector';
import { rssOf, sampleRss } from './rss';

const IN_FLIGHT = 64;
const RESULT_PNG_BYTES = 10e6;
const TARGET_BASE_BYTES = 150 * 1024 * 1024;
const TARGET_PER_BYTE_IN_FLIGHT = 1.5;
/** Smaller requests for the leak run, so 1,000 of them fit in the bench's time. */
const LEAK_REFERENCE_BYTES = 100e3;
const LEAK_RESULT_PNG_BYTES = 100e3;
const LEAK_CONCURRENCY = 16;
/** RSS may settle a little after warm-up; more than this is growth. */
const LEAK_TOLERANCE = 1.1;

async function peakWithResultsInFlight(path: string, send: (relay: BenchRelay, edit: EncodedRequest) => Send): Promise<string[]> {
  const edit = await encodeEditRequest(3, 1.5e6);
  const result = noisePngOfAbout(RESULT_PNG_BYTES, 7);
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

async function growthOverRequests(): Promise<string[]> {
  const edit = await encodeEditRequest(1, LEAK_REFERENCE_BYTES);
  const answer = imageAnswer(noisePngOfAbout(LEAK_RESULT_PNG_BYTES, 5));
  return withBenchRelay(
    { delayMs: 0, answer },
    async (relay) => {
      const inspector = await connectInspector(relay.inspectorUrl!);
      try {
        // Synchronous calls and jobs by turns, as a team's SDK scripts and plugins would mix them.
        const paths = [relaySync(relay, edit), relayJob(relay, edit)];
        let turn = 0;
        const load = { concurrency: LEAK_CONCURRENCY, spreadMs: 0, send: () => paths[turn++ % paths.length]() };
        await runLoad({ ...load, requests: 100 });
        const heap100 = await inspector.heapAfterGc();
        const rss100 = rssOf(relay.pid);
        await runLoad({ ...load, requests: 900 });
        const heap1000 = await inspector.heapAfterGc();
        const rss1000 = rssOf(relay.pid);
        const growth = (after: number, before: number) => `${((after / before - 1) * 100).toFixed(1)}%`;
        return [
          'RSS after 1,000 requests vs after 100 (synchronous and job by turns)',
          `after 100: RSS ${mb(rss100)}, V8 heap ${mb(heap100)}; after 1,000: V8 heap ${mb(heap1000)} (${growth(heap1000, heap100)})`,
          `${mb(rss1000)} (${growth(rss1000, rss100)})`,
          `≤ ${((LEAK_TOLERANCE - 1) * 100).toFixed(0)}% growth`,
          verdict(rss1000 <= rss100 * LEAK_TOLERANCE),
        ];
      } finally {
        inspector.close();
      }
    },
    // The inspector lets the bench collect the relay's garbage before each reading.
    ['--inspect=127.0.0.1:0'],
  );
}

export async function relayMemory(): Promise<Section> {
  const rows = [await peakWithResultsInFlight('synchronous', relaySync), await peakWithResultsInFlight('job', relayJob), await growthOverRequests()];
  return {
    title: 'Relay memory',
    method:
      `RSS of the relay process (a fresh one per row), sampled every 10 ms. Peak: ${IN_FLIGHT} clients at once, each sending 3 references of 1.5 MB, ` +
      `the provider answering each after 2 s with a ${mb(RESULT_PNG_BYTES)} PNG (${mb((RESULT_PNG_BYTES * 4) / 3)} of base64). ` +
      `Growth: ${LEAK_CONCURRENCY} clients, 1,000 requests (one ${mb(LEAK_REFERENCE_BYTES)} reference, ${mb(LEAK_RESULT_PNG_BYTES)} PNG answer, no provider delay); ` +
      'before each reading the bench has the relay collect its garbage (through its inspector), so RSS and the V8 heap show what is kept, not what awaits collection.',
    columns: ['measure', 'context', 'result', 'target', 'result'],
    rows,
  };
}
