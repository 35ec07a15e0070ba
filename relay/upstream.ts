import { Agent, fetch as undiciFetch } from 'undici';

/** Sends an edit form, as LLMEasy documents it, to a provider and returns its raw answer. */
export type Upstream = (form: FormData, signal: AbortSignal) => Promise<Response>;

export const DEFAULT_UPSTREAM_TIMEOUT_MS = 15 * 60_000;

export class UpstreamTimeoutError extends Error {}

/**
 * The real provider. Generation takes minutes, so the agent waits far longer for headers and body
 * than fetch's default of 300 s; the total wait is capped by `timeoutMs`.
 */
export function liveUpstream(options: { baseUrl: string; apiKey: string; timeoutMs?: number }): Upstream {
  const timeoutMs = options.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  const dispatcher = new Agent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connectTimeout: 30_000 });
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/images/edits`;
  return async (form, signal) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      // undici's fetch does not recognise Node's own FormData class, so encode it with Node's
      // Response and stream the multipart bytes.
      const multipart = new Response(form);
      const response = await undiciFetch(endpoint, {
        method: 'POST',
        body: multipart.body,
        duplex: 'half',
        headers: { Authorization: `Bearer ${options.apiKey}`, 'Content-Type': multipart.headers.get('content-type') ?? '' },
        signal: AbortSignal.any([signal, deadline]),
        dispatcher,
      });
      return response as unknown as Response;
    } catch (error) {
      if (deadline.aborted) throw new UpstreamTimeoutError(`No answer from the provider within ${Math.round(timeoutMs / 1000)} s`);
      throw error;
    }
  };
}
