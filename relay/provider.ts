import { isPng } from '../shared/png-size';
import { providerError, RelayHttpError } from './errors';
import type { ImageRequest } from './image-request';
import { type Upstream, UpstreamTimeoutError } from './upstream';

/** The image in a provider's successful answer, still base64 as the provider sent it. */
export interface ProviderImage {
  created: number;
  base64: string;
}

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

/** Checks the provider's answer holds a PNG and keeps only the documented shape. */
export async function imageAnswer(response: Response): Promise<ProviderImage> {
  const body = (await response.json().catch(() => undefined)) as { created?: number; data?: { b64_json?: unknown }[] } | undefined;
  if (!response.ok) throw providerError(response.status, body, response.headers.get('retry-after'));
  const base64 = body?.data?.[0]?.b64_json;
  if (typeof base64 !== 'string' || !isPng(Buffer.from(base64.slice(0, 64), 'base64'))) {
    throw new RelayHttpError(502, 'provider_bad_answer', 'The image provider answered without a PNG image. Try again in a minute.');
  }
  return { created: body?.created ?? Math.floor(Date.now() / 1000), base64 };
}

/** One provider call for a request, its failures mapped to what the relay tells its client. */
export async function requestImage(upstream: Upstream, request: ImageRequest, signal: AbortSignal): Promise<ProviderImage> {
  return imageAnswer(await callProvider(upstream, request, signal));
}
