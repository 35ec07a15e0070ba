import { Readable } from 'node:stream';
import { Agent, request as undiciRequest } from 'undici';
import { generationBody, type ImageRequest } from './image-request';
import { redactKey } from './key-redaction';
import { encodeEditBody } from './multipart-body';

/** The provider's answer, its headers in and its body still waiting in the socket. */
export interface ProviderAnswer {
  status: number;
  retryAfter: string | null;
  /**
   * The whole body, read once. A body cut short reads as empty: the answer is then no image
   * (502, a bad answer), not a failure to reach the provider, which was reached. A body still
   * coming when the upstream timeout ends throws UpstreamTimeoutError.
   */
  read(): Promise<Buffer>;
}

/** Sends a request, as LLMEasy documents it, to a provider and returns its raw answer. */
export type Upstream = (request: ImageRequest, signal: AbortSignal) => Promise<ProviderAnswer>;

export const DEFAULT_UPSTREAM_TIMEOUT_MS = 15 * 60_000;

export class UpstreamTimeoutError extends Error {}

/** undici's own give-up on a body that stops moving: the same timeout, seen first. */
const isBodyTimeout = (error: unknown) => (error as { code?: unknown } | null)?.code === 'UND_ERR_BODY_TIMEOUT';

interface ProviderCall {
  path: string;
  headers: Record<string, string>;
  body: string | Readable;
}

/** The path, headers and bytes of the provider call for a request. */
function providerCall(request: ImageRequest): ProviderCall {
  if (request.kind === 'generate') {
    return { path: 'images/generations', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(generationBody(request)) };
  }
  const { contentType, pieces, length } = encodeEditBody(request);
  // The references go out as they are, one after another, never copied into one buffer.
  return { path: 'images/edits', headers: { 'Content-Type': contentType, 'Content-Length': String(length) }, body: Readable.from(pieces, { objectMode: false }) };
}

/**
 * The real provider, called with undici's own request API: the bytes go between sockets and
 * Buffers without passing through web streams. Generation takes minutes, so the agent waits far
 * longer for headers and body than undici's default of 300 s; the total wait is capped by `timeoutMs`.
 */
export function liveUpstream(options: { baseUrl: string; apiKey: string; timeoutMs?: number }): Upstream {
  const timeoutMs = options.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  const dispatcher = new Agent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connectTimeout: 30_000 });
  const base = options.baseUrl.replace(/\/+$/, '');
  const timedOut = () => new UpstreamTimeoutError(`No answer from the provider within ${Math.round(timeoutMs / 1000)} s`);
  return async (request, signal) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const call = providerCall(request);
    try {
      const response = await undiciRequest(`${base}/${call.path}`, {
        method: 'POST',
        body: call.body,
        headers: { Authorization: `Bearer ${options.apiKey}`, ...call.headers },
        signal: AbortSignal.any([signal, deadline]),
        dispatcher,
      });
      const status = response.statusCode;
      const retryAfter = response.headers['retry-after'];
      const read = async () => {
        const bytes = await response.body.bytes().catch((error: unknown) => {
          // A provider that sent its headers and then stalled has not answered in time.
          if (deadline.aborted || isBodyTimeout(error)) throw timedOut();
          return new Uint8Array(0);
        });
        const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
        if (status >= 200 && status < 300) return body;
        return Buffer.from(redactKey(body.toString('utf8'), options.apiKey));
      };
      return { status, retryAfter: typeof retryAfter === 'string' ? retryAfter : null, read };
    } catch (error) {
      if (deadline.aborted) throw timedOut();
      throw error;
    }
  };
}
