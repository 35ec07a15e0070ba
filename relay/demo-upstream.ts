import { setTimeout as sleep } from 'node:timers/promises';
import { demoEdit, demoGeneration } from './demo-image';
import { joinedBytes } from './edit-request';
import type { ProviderAnswer, Upstream } from './upstream';

const SUBMIT_ANSWERED_MS = 25;

const json = (status: number, body: unknown): ProviderAnswer => ({ status, retryAfter: null, read: async () => Buffer.from(JSON.stringify(body)) });

/**
 * Stands in for LLMEasy when the relay has no key: answers in the provider's shape, in process and
 * without any network call, with a deterministic transform of the first reference for an edit, or a
 * picture chosen by the prompt for a generation. With `delayMs` it first waits that long, as a real
 * call takes minutes, and gives up at once when the call is aborted (a cancelled job, a client gone).
 */
export function demoUpstream(options: { delayMs?: number } = {}): Upstream {
  return async (request, signal) => {
    // Drawing blocks the process for a second or two: wait until a job's submit has been answered
    // (its record written to disk, a few file system round trips) before starting.
    await sleep(Math.max(SUBMIT_ANSWERED_MS, options.delayMs ?? 0), undefined, { signal });
    let png: Uint8Array;
    try {
      png = request.kind === 'edit' ? demoEdit(joinedBytes(request.images[0]), request.size) : demoGeneration(request.prompt, request.size);
    } catch {
      // The relay checks only an image's first bytes; the demo must decode the whole PNG.
      const message = 'The demo relay (no AI) can only transform a readable PNG as the first reference. Export the layer as PNG, or ask your admin to set LLMEASY_API_KEY.';
      return json(400, { error: { message, type: 'invalid_request_error', code: 'demo_needs_png' } });
    }
    return json(200, { created: Math.floor(Date.now() / 1000), data: [{ b64_json: Buffer.from(png).toString('base64') }], demo: true });
  };
}
