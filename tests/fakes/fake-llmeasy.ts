import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decode } from 'fast-png';
import { isPng } from '../../shared/png-size';
import { IMAGE_SIZES, requestedDimensions, type ImageSize } from '../../shared/sizes';
import { solidPng } from './png';

/**
 * A stand-in for LLMEasy's POST /v1/images/edits and /v1/images/generations, as strict as its
 * documentation: it rejects any request whose fields, types, filenames or content types differ from
 * what the provider asks, and, like the real server, it may return an image of another size than
 * the one requested.
 */

export interface ProviderCall {
  endpoint: 'edits' | 'generations';
  /** Every field as sent; a JSON value as its string form. */
  fields: Record<string, string[]>;
  /** Width and height are decoded for PNG only (0 for JPEG and WebP). */
  images: { field: string; filename: string; type: string; width: number; height: number }[];
  authorization: string | undefined;
}

export interface FakeLlmEasyOptions {
  apiKey: string;
  /** How long each answer takes. */
  delayMs?: number;
  /** Awaited before each answer, after the delay: lets a test decide when the provider answers. */
  gate?: (call: ProviderCall) => Promise<void>;
  /** Overrides the answer for a call (for provider errors); return undefined for the normal image. */
  respond?: (call: ProviderCall, res: ServerResponse) => boolean;
  /** The PNG answered for a call; by default a solid image at the provider's mapped size. */
  image?: (call: ProviderCall) => Uint8Array;
}

export interface FakeLlmEasy {
  /** The base URL, as LLMEASY_BASE_URL takes it. */
  baseUrl: string;
  calls: ProviderCall[];
  /** Requests that reached it at all, valid or not, whole or cut short. */
  received: number;
  /** Requests whose connection the client closed before the answer. */
  abandoned: number;
  close(): Promise<void>;
}

const ALLOWED_FIELDS = new Set(['model', 'prompt', 'n', 'size', 'response_format', 'output_format', 'image', 'image[]']);
const IMAGE_EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };
const FIXED: Record<string, string> = { model: 'gpt-image-2', n: '1', response_format: 'b64_json', output_format: 'png' };

/** The provider "maps" sizes: it answers with dimensions near, but not equal to, the request. */
export function mappedSize(size: ImageSize): { width: number; height: number } {
  const requested = requestedDimensions(size) ?? { width: 1024, height: 1024 };
  return { width: requested.width - 16, height: requested.height + 16 };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function reject(res: ServerResponse, status: number, message: string, param: string | null = null, code: string | null = null): void {
  sendJson(res, status, { error: { message, type: 'invalid_request_error', param, code } });
}

async function readCall(req: IncomingMessage): Promise<{ call?: ProviderCall; problem?: [number, string, string | null] }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.startsWith('multipart/form-data')) return { problem: [400, 'Content-Type must be multipart/form-data', null] };
  const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': contentType }, body: Buffer.concat(chunks) })
    .formData()
    .catch(() => undefined);
  if (!form) return { problem: [400, 'Malformed multipart body', null] };

  const fields: Record<string, string[]> = {};
  const images: ProviderCall['images'] = [];
  for (const [key, value] of form.entries()) {
    if (!ALLOWED_FIELDS.has(key)) return { problem: [400, `Unknown parameter: '${key}'.`, key] };
    if (typeof value === 'string') {
      if (key === 'image' || key === 'image[]') return { problem: [400, `'${key}' must be a file`, key] };
      (fields[key] ??= []).push(value);
      continue;
    }
    if (key !== 'image' && key !== 'image[]') return { problem: [400, `'${key}' must be a text field`, key] };
    const extension = IMAGE_EXTENSIONS[value.type];
    if (!extension) return { problem: [400, `Image part must be image/png, image/jpeg or image/webp, got '${value.type}'`, key] };
    if (!value.name || !value.name.endsWith(`.${extension}`)) return { problem: [400, `Image part must have a .${extension} filename, got '${value.name}'`, key] };
    const bytes = new Uint8Array(await value.arrayBuffer());
    if (value.type !== 'image/png') {
      images.push({ field: key, filename: value.name, type: value.type, width: 0, height: 0 });
      continue;
    }
    if (!isPng(bytes)) return { problem: [400, 'Image part is not a PNG', key] };
    let decoded;
    try {
      decoded = decode(bytes);
    } catch {
      return { problem: [400, 'Image part is a corrupt PNG', key] };
    }
    images.push({ field: key, filename: value.name, type: value.type, width: decoded.width, height: decoded.height });
  }
  for (const [key, expected] of Object.entries(FIXED)) {
    if (fields[key]?.length !== 1 || fields[key][0] !== expected) return { problem: [400, `'${key}' must be sent once as '${expected}'`, key] };
  }
  if (fields.prompt?.length !== 1 || fields.prompt[0].trim() === '') return { problem: [400, "'prompt' is required", 'prompt'] };
  if (fields.size?.length !== 1 || !IMAGE_SIZES.some((s) => s.value === fields.size[0])) return { problem: [400, "Invalid 'size'", 'size'] };
  const single = images.filter((i) => i.field === 'image').length;
  const multiple = images.filter((i) => i.field === 'image[]').length;
  if (single + multiple === 0) return { problem: [400, 'At least one reference image is required', 'image'] };
  if (single > 0 && (single > 1 || multiple > 0)) return { problem: [400, "Use 'image' for one reference and repeated 'image[]' for several", 'image'] };
  if (multiple === 1) return { problem: [400, "Use 'image' for a single reference", 'image[]'] };
  return { call: { endpoint: 'edits', fields, images, authorization: req.headers.authorization } };
}

const GENERATION_FIXED: Record<string, unknown> = { model: 'gpt-image-2', n: 1, response_format: 'b64_json', output_format: 'png' };
const GENERATION_FIELDS = new Set([...Object.keys(GENERATION_FIXED), 'prompt', 'size']);

async function readGenerationCall(req: IncomingMessage): Promise<{ call?: ProviderCall; problem?: [number, string, string | null] }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return { problem: [400, 'Content-Type must be application/json', null] };
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return { problem: [400, 'We could not parse the JSON body of your request.', null] };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { problem: [400, 'The body must be a JSON object', null] };
  const json = body as Record<string, unknown>;
  for (const key of Object.keys(json)) if (!GENERATION_FIELDS.has(key)) return { problem: [400, `Unknown parameter: '${key}'.`, key] };
  for (const [key, expected] of Object.entries(GENERATION_FIXED)) {
    if (json[key] !== expected) return { problem: [400, `'${key}' must be ${JSON.stringify(expected)}`, key] };
  }
  if (typeof json.prompt !== 'string' || json.prompt.trim() === '') return { problem: [400, "'prompt' is required", 'prompt'] };
  if (!IMAGE_SIZES.some((s) => s.value === json.size)) return { problem: [400, "Invalid 'size'", 'size'] };
  const fields = Object.fromEntries(Object.entries(json).map(([key, value]) => [key, [String(value)]]));
  return { call: { endpoint: 'generations', fields, images: [], authorization: req.headers.authorization } };
}

const ROUTES: Record<string, (req: IncomingMessage) => ReturnType<typeof readCall>> = {
  '/v1/images/edits': readCall,
  '/v1/images/generations': readGenerationCall,
};

export async function startFakeLlmEasy(options: FakeLlmEasyOptions): Promise<FakeLlmEasy> {
  const calls: ProviderCall[] = [];
  const state = { abandoned: 0, received: 0 };
  const server = createServer(async (req, res) => {
    state.received++;
    const route = ROUTES[req.url ?? ''];
    if (req.method !== 'POST' || !route) return reject(res, 404, `Unknown route ${req.method} ${req.url}`);
    if (req.headers.authorization !== `Bearer ${options.apiKey}`) {
      req.resume();
      return reject(res, 401, 'Incorrect API key provided.', null, 'invalid_api_key');
    }
    const { call, problem } = await route(req);
    if (problem) return reject(res, ...problem);
    calls.push(call!);
    let closed = false;
    res.on('close', () => {
      if (!res.writableEnded) {
        closed = true;
        state.abandoned++;
      }
    });
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    await options.gate?.(call!);
    if (closed) return;
    if (options.respond?.(call!, res)) return;
    const mapped = mappedSize(call!.fields.size[0] as ImageSize);
    const png = options.image?.(call!) ?? solidPng(mapped.width, mapped.height, [200, 80, 40]);
    sendJson(res, 200, {
      created: Math.floor(Date.now() / 1000),
      data: [{ b64_json: Buffer.from(png).toString('base64'), revised_prompt: call!.fields.prompt[0] }],
      usage: { total_tokens: 1234 },
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    calls,
    get abandoned() {
      return state.abandoned;
    },
    get received() {
      return state.received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
