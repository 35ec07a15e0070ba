import { isPng } from '../shared/png-size';
import { providerError, RelayHttpError } from './errors';
import type { ImageRequest } from './image-request';
import { type Upstream, UpstreamTimeoutError } from './upstream';

/** The image in a provider's successful answer, still base64 as the provider sent it. */
export interface ProviderImage {
  created: number;
  base64: string;
  /** The provider's answer held no escapes at all, so the base64 can go into JSON as it is. */
  verbatim: boolean;
}

const BACKSLASH = 0x5c;

/** The provider's answer, once its headers are in; failures to get one mapped for the client. */
export async function callProvider(upstream: Upstream, request: ImageRequest, signal: AbortSignal): Promise<Response> {
  try {
    return await upstream(request, signal);
  } catch (error) {
    if (error instanceof UpstreamTimeoutError) {
      throw new RelayHttpError(504, 'provider_timeout', 'The image provider took too long to answer. Try again, perhaps with a smaller size.');
    }
    if (signal.aborted) throw error;
    throw new RelayHttpError(502, 'provider_unreachable', 'The relay could not reach the image provider. Try again in a minute; if it keeps failing, tell your admin.');
  }
}

/**
 * Checks the provider's answer holds a PNG and keeps only the documented shape. The answer is
 * megabytes of base64, so it is read once as bytes and parsed once.
 */
export async function imageAnswer(response: Response): Promise<ProviderImage> {
  const raw = Buffer.from(await response.arrayBuffer().catch(() => new ArrayBuffer(0)));
  let body: { created?: unknown; data?: { b64_json?: unknown }[] } | undefined;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    body = undefined;
  }
  if (!response.ok) throw providerError(response.status, body, response.headers.get('retry-after'));
  const base64 = body?.data?.[0]?.b64_json;
  if (typeof base64 !== 'string' || !isPng(Buffer.from(base64.slice(0, 64), 'base64'))) {
    throw new RelayHttpError(502, 'provider_bad_answer', 'The image provider answered without a PNG image. Try again in a minute.');
  }
  const created = typeof body?.created === 'number' && Number.isFinite(body.created) ? body.created : Math.floor(Date.now() / 1000);
  return { created, base64, verbatim: !raw.includes(BACKSLASH) };
}

/**
 * The OpenAI-compatible answer for an image, written out without running JSON.stringify over
 * the base64 when it needs no escaping (a JSON string without escapes holds no quote, backslash or
 * control character).
 */
export function openAiImageJson(image: ProviderImage): string {
  const literal = image.verbatim ? `"${image.base64}"` : JSON.stringify(image.base64);
  return `{"created":${image.created},"data":[{"b64_json":${literal}}]}`;
}

/** One provider call for a request, its failures mapped to what the relay tells its client. */
export async function requestImage(upstream: Upstream, request: ImageRequest, signal: AbortSignal): Promise<ProviderImage> {
  return imageAnswer(await callProvider(upstream, request, signal));
}
