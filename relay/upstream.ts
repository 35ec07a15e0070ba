import { Agent, fetch as undiciFetch } from 'undici';
import { generationBody, type ImageRequest } from './image-request';
import { encodeEditBody } from './multipart-body';

/** Sends a request, as LLMEasy documents it, to a provider and returns its raw answer. */
export type Upstream = (request: ImageRequest, signal: AbortSignal) => Promise<Response>;

export const DEFAULT_UPSTREAM_TIMEOUT_MS = 15 * 60_000;

export class UpstreamTimeoutError extends Error {}

interface ProviderCall {
  path: string;
  headers: Record<string, string>;
  body: string | AsyncIterable<Uint8Array>;
}

/** The path, headers and bytes of the provider call for a request. */
function providerCall(request: ImageRequest): ProviderCall {
  if (request.kind === 'generate') {
    return { path: 'images/generations', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(generationBody(request)) };
  }
  const { contentType, pieces, length } = encodeEditBody(request);
  // Pieces rather than one buffer: fetch would copy a buffer body whole before sending it.
  return {
    path: 'images/edits',
    headers: { 'Content-Type': contentType, 'Content-Length': String(length) },
    body: (async function* () {
      yield* pieces;
    })(),
  };
}

/**
 * The real provider. Generation takes minutes, so the agent waits far longer for headers and body
 * than fetch's default of 300 s; the total wait is capped by `timeoutMs`.
 */
export function liveUpstream(options: { baseUrl: string; apiKey: string; timeoutMs?: number }): Upstream {
  const timeoutMs = options.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  const dispatcher = new Agent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connectTimeout: 30_000 });
  const base = options.baseUrl.replace(/\/+$/, '');
  return async (request, signal) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const call = providerCall(request);
    try {
      const response = await undiciFetch(`${base}/${call.path}`, {
        method: 'POST',
        body: call.body,
        duplex: 'half',
        headers: { Authorization: `Bearer ${options.apiKey}`, ...call.headers },
        signal: AbortSignal.any([signal, deadline]),
        dispatcher,
      });
      if (response.ok) return response as unknown as Response;
      // Some providers quote the key in an error, and the relay passes some error messages on.
      const text = (await response.text()).replaceAll(options.apiKey, '[the relay key]');
      return new Response(text, { status: response.status, headers: Object.fromEntries(response.headers) });
    } catch (error) {
      if (deadline.aborted) throw new UpstreamTimeoutError(`No answer from the provider within ${Math.round(timeoutMs / 1000)} s`);
      throw error;
    }
  };
}
