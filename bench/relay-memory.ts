import { encodeEditRequest, type EncodedRequest } from './bench-request';
import { relayJob, relaySync, type Send } from './clients';
import { type BenchRelay, withBenchRelay } from './bench-relay';
import { imageAnswer } from './fixed-delay-provider';
import { runLoad } from './load';
import { noisePngOfAbout } from '../tests/fakes/noise-png';
import { kb, mb, type Measured, verdict } from './report';
import { connectInspector } from './inspector';
import { rssOf, sampleRss } from './rss';

const IN_FLIGHT = 64;
const RESULT_PNG_BYTES = 10e6;
const TARGET_BASE_BYTES = 150 * 1024 * 1024;
const TARGET_PER_BYTE_IN_FLIGHT = 1.5;
/** Smaller requests for the leak run, so 1,000 of them fit in the bench's time. */
const LEAK_REFERENCE_BYTES = 20e3;
const LEAK_RESULT_PNG_BYTES = 20e3;
const LEAK_CONCURRENCY = 16;
/** RSS may settle a little after warm-up; more than this is growth. */
const LEAK_TOLERANCE = 1.1;

async function peakWithResultsInFlight(path: string, send: (relay: BenchRelay, edit: EncodedRequest) => Send): Promise<{ row: string[]; pass: boolean }> {
  const edit = await encodeEditRequest(3, 1.5e6);
  const result = noisePngOfAbout(RESULT_PNG_BYTES, 7);
  return withBenchRelay({ delayMs: 2000, answer: imageAnswer(result) }, async (relay) => {
    const idle = rssOf(relay.pid);
    const sampler = sampleRss(relay.pid, 10);
    let peak: number;
    try {
      await runLoad({ concurrency: IN_FLIGHT, requests: IN_FLIGHT, spreadMs: 0, send: send(relay, edit) });
    } finally {
      peak = sampler.stop();
    }
    const inFlight = IN_FLIGHT * (edit.body.length + result.length);
    const target = TARGET_BASE_BYTES + TARGET_PER_BYTE_IN_FLIGHT * inFlight;
    const pass = peak <= target;
    return {
      row: [`peak RSS, ${IN_FLIGHT} ${path} requests in flight`, `idle ${mb(idle)}; in flight ${mb(inFlight)} (requests + PNG results)`, mb(peak), `≤ ${mb(target)}`, verdict(pass)],
      pass,
    };
  });
}

const PEAK_MISS_NOTE =
  "**Why the peak misses.** Each request's references are held until its provider call ends, and each answer is read whole (13.3 MB of base64 JSON for a 10 MB PNG) and " +
  'held until it has been sent on (synchronous) or decoded and written (job, 4 at a time, the rest waiting unread in their sockets). The sockets allocate these bytes as ' +
  "many small Buffers, which V8 frees only at its next collection, so 64 answers landing within milliseconds briefly hold more than the bytes in flight.";

function growthNote(growth: Growth): string {
  const perRequestKb = growth.heapGrowthBytes / 900 / 1024;
  return (
    `**Why RSS grows.** After garbage collection V8's heap grew ${mb(growth.heapGrowthBytes)} over 900 requests (${perRequestKb.toFixed(1)} KB each): about the job records the relay ` +
    `keeps for JOB_TTL_HOURS by design, far from the megabytes of a request or an image, so nothing a request carries is kept. The rest of the growth is outside V8's heap: ` +
    "memory that Node's buffers and the C allocator keep after the relay frees its multi-megabyte buffers (in a run by hand, MALLOC_ARENA_MAX=2 in the relay's environment cut it " +
    'by about two thirds). It is a high-water mark, not a leak, but RSS does not tell the two apart.'
  );
}

interface Growth {
  row: string[];
  pass: boolean;
  heapGrowthBytes: number;
}

async function growthOverRequests(): Promise<Growth> {
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
        const pass = rss1000 <= rss100 * LEAK_TOLERANCE;
        return {
          row: [
            'RSS after 1,000 requests vs after 100 (synchronous and job by turns)',
            `after 100: RSS ${mb(rss100)}, V8 heap ${mb(heap100)}; after 1,000: V8 heap ${mb(heap1000)} (${growth(heap1000, heap100)})`,
            `${mb(rss1000)} (${growth(rss1000, rss100)})`,
            `≤ ${((LEAK_TOLERANCE - 1) * 100).toFixed(0)}% growth`,
            verdict(pass),
          ],
          pass,
          heapGrowthBytes: heap1000 - heap100,
        };
      } finally {
        inspector.close();
      }
    },
    // The inspector lets the bench collect the relay's garbage before each reading.
    { nodeArgs: ['--inspect=127.0.0.1:0'] },
  );
}

export async function relayMemory(): Promise<Measured> {
  const peaks = [await peakWithResultsInFlight('synchronous', relaySync), await peakWithResultsInFlight('job', relayJob)];
  const growth = await growthOverRequests();
  const notes = [];
  if (peaks.some((peak) => !peak.pass)) notes.push(PEAK_MISS_NOTE);
  if (!growth.pass) notes.push(growthNote(growth));
  return {
    method:
      `RSS of the relay process (a fresh one per row), sampled every 10 ms. Peak: ${IN_FLIGHT} clients at once, each sending 3 references of 1.5 MB, ` +
      `the provider answering each after 2 s with a ${mb(RESULT_PNG_BYTES)} PNG (${mb((RESULT_PNG_BYTES * 4) / 3)} of base64). ` +
      `Growth: ${LEAK_CONCURRENCY} clients, 1,000 requests (one ${kb(LEAK_REFERENCE_BYTES)} reference, ${kb(LEAK_RESULT_PNG_BYTES)} PNG answer, no provider delay); ` +
      'before each reading the bench has the relay collect its garbage (through its inspector), so RSS and the V8 heap show what is kept, not what awaits collection.',
    columns: ['measure', 'context', 'result', 'target', 'result'],
    rows: [...peaks.map((peak) => peak.row), growth.row],
    notes,
  };
}
