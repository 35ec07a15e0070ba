import { isPng } from '../shared/png-size';
import { providerError, RelayHttpError } from './errors';
import type { ImageRequest } from './image-request';
import { type ProviderAnswer, type Upstream, UpstreamTimeoutError } from './upstream';

/** The image in a provider's successful answer: its base64 as the ASCII bytes it came in, never a string. */
export interface ProviderImage {
  created: number;
  base64: Buffer;
}

const PADDING = '='.charCodeAt(0);

/** How many bytes the image's base64 decodes to, counted from its length: the megabytes are never made a string. */
export function decodedBytes(image: ProviderImage): number {
  const { base64 } = image;
  let padding = 0;
  while (padding < 2 && base64.length > padding && base64[base64.length - 1 - padding] === PADDING) padding++;
  return Math.floor((base64.length * 3) / 4) - padding;
}

type AnswerBody = { created?: unknown; data?: { b64_json?: unknown }[] } | undefined;

const BASE64_KEY = Buffer.from('"b64_json"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const BASE64_TEXT = /^[A-Za-z0-9+/]+={0,2}$/;
const isJsonSpace = (byte: number | undefined) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;

/**
 * Where the first `"b64_json"` string value lies in the raw answer, found with native byte searches;
 * undefined when it holds escapes (some encoders write `/` as `\/`) or is not laid out plainly.
 */
function findBase64(raw: Buffer): { start: number; end: number } | undefined {
  const key = raw.indexOf(BASE64_KEY);
  if (key < 0) return undefined;
  let at = key + BASE64_KEY.length;
  while (isJsonSpace(raw[at])) at++;
  if (raw[at++] !== COLON) return undefined;
  while (isJsonSpace(raw[at])) at++;
  if (raw[at] !== QUOTE) return undefined;
  const start = at + 1;
  const end = raw.indexOf(QUOTE, start);
  const backslash = raw.indexOf(BACKSLASH, start);
  if (end < 0 || (backslash >= 0 && backslash < end)) return undefined;
  return { start, end };
}

function parseJson(text: string): AnswerBody {
  try {
    return JSON.parse(text) as AnswerBody;
  } catch {
    return undefined;
  }
}

/**
 * The answer's JSON, and its data[0].b64_json as bytes. The megabytes of base64 are not made into
 * a string when they can be found in place: the document around them is parsed on its own, with an
 * empty string where they were, which proves they are data[0].b64_json of a well-formed answer.
 */
function readAnswer(raw: Buffer): { body: AnswerBody; base64: Buffer | undefined } {
  const found = findBase64(raw);
  if (found) {
    const skeleton = parseJson(raw.toString('utf8', 0, found.start) + raw.toString('utf8', found.end));
    if (skeleton?.data?.[0]?.b64_json === '') return { body: skeleton, base64: raw.subarray(found.start, found.end) };
  }
  const body = parseJson(raw.toString('utf8'));
  const value = body?.data?.[0]?.b64_json;
  // Unescaped, the value may hold line breaks or anything else a JSON string can: keep only base64.
  const plain = typeof value === 'string' ? value.replace(/\s+/g, '') : '';
  return { body, base64: BASE64_TEXT.test(plain) ? Buffer.from(plain, 'latin1') : undefined };
}

function mappedTimeout(error: unknown): unknown {
  if (!(error instanceof UpstreamTimeoutError)) return error;
  return new RelayHttpError(504, 'provider_timeout', 'The image provider took too long to answer. Try again, perhaps with a smaller size.');
}

/** The provider's answer, once its headers are in; failures to get one mapped for the client. */
export async function callProvider(upstream: Upstream, request: ImageRequest, signal: AbortSignal): Promise<ProviderAnswer> {
  try {
    return await upstream(request, signal);
  } catch (error) {
    if (error instanceof UpstreamTimeoutError) throw mappedTimeout(error);
    if (signal.aborted) throw error;
    throw new RelayHttpError(502, 'provider_unreachable', 'The relay could not reach the image provider. Try again in a minute; if it keeps failing, tell your admin.');
  }
}

/** Reads the provider's answer, checks it holds a PNG and keeps only the documented shape. */
export async function imageAnswer(answer: ProviderAnswer): Promise<ProviderImage> {
  const { body, base64 } = readAnswer(
    await answer.read().catch((error: unknown) => {
      throw mappedTimeout(error);
    }),
  );
  if (answer.status < 200 || answer.status >= 300) throw providerError(answer.status, body, answer.retryAfter);
  if (!base64 || !isPng(Buffer.from(base64.toString('latin1', 0, 64), 'base64'))) {
    throw new RelayHttpError(502, 'provider_bad_answer', 'The image provider answered without a PNG image. Try again in a minute.');
  }
  const created = typeof body?.created === 'number' && Number.isFinite(body.created) ? body.created : Math.floor(Date.now() / 1000);
  return { created, base64 };
}

/**
 * The OpenAI-compatible answer for an image, as the pieces to send one after another: the base64
 * goes out as the provider sent it, neither copied nor made a string.
 */
export function openAiImageJson(image: ProviderImage): Uint8Array[] {
  return [Buffer.from(`{"created":${image.created},"data":[{"b64_json":"`), image.base64, Buffer.from('"}]}')];
}

/** One provider call for a request, its failures mapped to what the relay tells its client. */
export async function requestImage(upstream: Upstream, request: ImageRequest, signal: AbortSignal): Promise<ProviderImage> {
  return imageAnswer(await callProvider(upstream, request, signal));
}
