import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { type EditUpload, joinedBytes, readEditRequest } from '../../relay/edit-request';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from '../../relay/request-limits';
import { RelayHttpError } from '../../relay/errors';
import { solidPng } from '../fakes/png';

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0]);
const WEBP = new TextEncoder().encode('RIFF\x24\0\0\0WEBPVP8 ');

function form(fields: Record<string, string>, files: [string, Uint8Array, string][] = [['image', solidPng(2, 2), 'a.png']]): FormData {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.append(key, value);
  for (const [key, bytes, name] of files) body.append(key, new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' }), name);
  return body;
}

/** The body and headers of a POST of this form, as the relay gets them off the socket. */
function post(body: FormData | string, headers: Record<string, string> = {}): EditUpload {
  const request = new Request('http://relay.test/v1/images/edits', { method: 'POST', body, headers });
  return {
    contentType: request.headers.get('content-type') ?? undefined,
    contentLength: request.headers.get('content-length') ?? undefined,
    body: Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>),
  };
}

async function problem(request: EditUpload, limits?: RequestLimits): Promise<RelayHttpError> {
  const error = await readEditRequest(request, limits).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RelayHttpError);
  return error as RelayHttpError;
}

describe('reading an edit request', () => {
  it('keeps a reference byte for byte when it holds false starts of the boundary and comes in chunks of a few bytes', async () => {
    const boundary = 'ReimageTestBoundary0123456789';
    // False starts of the boundary, then control bytes that end them (no boundary has one): over
    // chunks this small busboy holds them in its look-behind buffer, reused from one to the next,
    // and hands the reference views of it, which the relay keeps without copying.
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 1, max: boundary.length - 1 }), fc.uint8Array({ minLength: 1, maxLength: 9 })), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 9 }), async (starts, chunkBytes) => {
        const image = Buffer.concat([Buffer.from(solidPng(2, 2)), ...starts.flatMap(([length, after]) => [Buffer.from(`\r\n--${boundary.slice(0, length)}`), Buffer.from(after.map((byte) => byte & 0x1f))])]);
        const head = `--${boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\np\r\n--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`;
        const body = Buffer.concat([Buffer.from(head), image, Buffer.from(`\r\n--${boundary}--\r\n`)]);
        const chunks = Array.from({ length: Math.ceil(body.length / chunkBytes) }, (_, i) => Buffer.from(body.subarray(i * chunkBytes, (i + 1) * chunkBytes)));
        const request = await readEditRequest({ contentType: `multipart/form-data; boundary=${boundary}`, contentLength: String(body.length), body: Readable.from(chunks) });
        expect(Buffer.from(joinedBytes(request.images[0])).equals(image)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps prompt, size and references, renaming each reference', async () => {
    const request = await readEditRequest(post(form({ prompt: 'Blue', size: '1024x1536' }, [['image[]', solidPng(2, 2), 'x.png'], ['image[]', solidPng(3, 3), 'y']])));
    expect(request.prompt).toBe('Blue');
    expect(request.size).toBe('1024x1536');
    expect(request.images.map((i) => i.filename)).toEqual(['reference-1.png', 'reference-2.png']);
  });

  it('defaults the size to auto, as OpenAI does', async () => {
    expect((await readEditRequest(post(form({ prompt: 'p' })))).size).toBe('auto');
  });

  it('takes JPEG and WebP references by their bytes, whatever their names say', async () => {
    const request = await readEditRequest(post(form({ prompt: 'p' }, [['image[]', JPEG, 'photo.png'], ['image[]', WEBP, 'b']])));
    expect(request.images.map((i) => [i.filename, i.type])).toEqual([['reference-1.jpg', 'image/jpeg'], ['reference-2.webp', 'image/webp']]);
  });

  it('requires a prompt', async () => {
    const error = await problem(post(form({ prompt: '  ' })));
    expect(error.status).toBe(400);
    expect(error.param).toBe('prompt');
  });

  it('rejects a prompt over 32,000 characters, naming the limit', async () => {
    const error = await problem(post(form({ prompt: 'x'.repeat(32_001) })));
    expect(error).toMatchObject({ status: 400, param: 'prompt', code: 'prompt_too_long' });
    expect(error.message).toBe('A prompt may have at most 32000 characters; this one has 32001. Shorten it.');
  });

  it('takes a prompt of exactly 32,000 characters', async () => {
    expect((await readEditRequest(post(form({ prompt: 'x'.repeat(32_000) })))).prompt).toHaveLength(32_000);
  });

  it('names the allowed sizes when the size is unknown', async () => {
    const error = await problem(post(form({ prompt: 'p', size: '512x512' })));
    expect(error.param).toBe('size');
    expect(error.message).toContain('3840x2160');
  });

  it('refuses n other than 1 and says to send one request per variant', async () => {
    expect((await problem(post(form({ prompt: 'p', n: '3' })))).message).toContain('one request per variant');
  });

  it('refuses a request with no reference', async () => {
    expect((await problem(post(form({ prompt: 'p' }, [])))).param).toBe('image');
  });

  it('refuses more than 16 references', async () => {
    const files = Array.from({ length: 17 }, (_, i) => ['image[]', solidPng(1, 1), `${i}.png`] as [string, Uint8Array, string]);
    const error = await problem(post(form({ prompt: 'p' }, files)));
    expect(error).toMatchObject({ status: 400, param: 'image', code: 'too_many_images' });
    expect(error.message).toContain('at most 16 reference images');
  });

  it('refuses a reference that is not a PNG, JPEG or WebP by its bytes', async () => {
    const error = await problem(post(form({ prompt: 'p' }, [['image', new TextEncoder().encode('GIF89a......'), 'fake.png']])));
    expect(error.message).toBe('Reference 1 (fake.png) is not a PNG, JPEG or WebP image by its contents. Export the layer as PNG.');
  });

  it('refuses a reference too short to be an image', async () => {
    expect((await problem(post(form({ prompt: 'p' }, [['image', new Uint8Array([0x89, 0x50]), 'a.png']])))).code).toBe('invalid_image');
  });

  it('refuses one image over the per-image limit with 413, naming it and the limit', async () => {
    const limits = { ...DEFAULT_REQUEST_LIMITS, maxImageBytes: 1024 };
    const error = await problem(post(form({ prompt: 'p' }, [['image', new Uint8Array(2048).fill(1).fill(0x89, 0, 1), 'big.png']])), limits);
    expect(error.status).toBe(413);
    expect(error.message).toBe("Reference 1 (big.png) is larger than 1 KB, the relay's limit for one image. Select a smaller layer.");
  });

  it('refuses references adding up to more than the total limit with 413', async () => {
    const limits = { ...DEFAULT_REQUEST_LIMITS, maxTotalImageBytes: 3000 };
    const big = solidPng(40, 40, [1, 2, 3]);
    const noisy = new Uint8Array(1800).map((_, i) => (i * 7919) % 251);
    noisy.set(big.subarray(0, 8));
    const error = await problem(post(form({ prompt: 'p' }, [['image[]', noisy, 'a.png'], ['image[]', noisy, 'b.png']])), limits);
    expect(error.status).toBe(413);
    expect(error.message).toContain('add up to more than 2.9 KB');
  });

  it('refuses a declared Content-Length over the limit without reading the body', async () => {
    const request: EditUpload = {
      contentType: 'multipart/form-data; boundary=x',
      contentLength: String(200 * 1024 * 1024),
      body: new Readable({
        read() {
          throw new Error('the body was read');
        },
      }),
    };
    const error = await problem(request);
    expect(error.status).toBe(413);
    expect(error.message).toContain('The request is 200 MB; the relay takes at most 64 MB of references in all.');
  });

  it('refuses a body that is not multipart', async () => {
    expect((await problem(post('{"prompt":"p"}', { 'content-type': 'application/json' }))).code).toBe('invalid_content_type');
  });

  it('refuses a multipart Content-Type without a boundary', async () => {
    expect((await problem(post('x', { 'content-type': 'multipart/form-data' }))).code).toBe('invalid_content_type');
  });

  it('refuses a body cut short', async () => {
    const encoded = new Response(form({ prompt: 'p' }));
    const whole = new Uint8Array(await encoded.arrayBuffer());
    const cut = { contentType: encoded.headers.get('content-type')!, contentLength: undefined, body: Readable.from([whole.subarray(0, whole.length - 40)]) };
    const error = await problem(cut);
    expect(error.code).toBe('invalid_multipart');
  });
});
