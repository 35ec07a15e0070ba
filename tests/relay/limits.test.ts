import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REQUEST_LIMITS } from '../../relay/request-limits';
import { liveUpstream } from '../../relay/upstream';
import { buildEditForm } from '../../shared/edit-form';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { solidPng } from '../fakes/png';
import { postWithoutEnd } from '../helpers/raw-http';
import { startRelay, type RunningRelay } from '../helpers/relay-server';

const API_KEY = 'sk-test-limits-0d9a3f';
const KB = 1024;
const BOUNDARY = 'limits-test-boundary';
const PNG_SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Small limits so that tests stay light; the defaults are checked in the unit tests. */
const LIMITS = { ...DEFAULT_REQUEST_LIMITS, maxImages: 3, maxImageBytes: 64 * KB, maxTotalImageBytes: 100 * KB, maxPromptChars: 500 };

/** A PNG whose bytes do not compress: `size` bytes after a real signature. */
function pngOfBytes(size: number): Uint8Array {
  const bytes = new Uint8Array(size).map((_, i) => (i * 2654435761) >>> 24);
  bytes.set(PNG_SIGNATURE);
  return bytes;
}

/** The start of an edit whose image part goes on past the limits, its body never ended. */
function* openImagePart(field: string): Generator<Uint8Array> {
  const encoder = new TextEncoder();
  yield encoder.encode(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nMake it blue\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="huge.png"\r\nContent-Type: image/png\r\n\r\n`,
  );
  yield PNG_SIGNATURE;
  const block = new Uint8Array(16 * KB).fill(7);
  for (let i = 0; i < 32; i++) yield block;
}

describe('request limits, over real HTTP', () => {
  let provider: FakeLlmEasy;
  let relay: RunningRelay;

  beforeAll(async () => {
    provider = await startFakeLlmEasy({ apiKey: API_KEY, image: () => solidPng(8, 8) });
    relay = await startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }), limits: LIMITS });
  });

  it('publishes its limits in /healthz, without a token, so the plugin can check a selection before uploading it', async () => {
    const health = await (await fetch(`${relay.url}/healthz`)).json();
    expect(health.limits).toEqual({ maxImages: 3, maxImageBytes: 64 * KB, maxTotalImageBytes: 100 * KB, maxPromptChars: 500 });
  });

  afterAll(async () => {
    await relay.close();
    await provider.close();
  });

  async function send(form: FormData) {
    const response = await fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: form });
    return { status: response.status, error: ((await response.json()) as { error?: { message: string; param?: string } }).error };
  }

  const cases: { name: string; form: () => FormData; status: number; param: string; message: string }[] = [
    {
      name: 'more images than allowed',
      form: () => buildEditForm({ prompt: 'p', size: 'auto', images: Array.from({ length: 4 }, (_, i) => ({ filename: `${i}.png`, bytes: solidPng(4, 4) })) }),
      status: 400,
      param: 'image',
      message: 'Send at most 3 reference images; this request has more. Select fewer layers.',
    },
    {
      name: 'one image over the per-image limit',
      form: () => buildEditForm({ prompt: 'p', size: 'auto', images: [{ filename: 'a.png', bytes: pngOfBytes(65 * KB) }] }),
      status: 413,
      param: 'image',
      message: "Reference 1 (a.png) is larger than 64 KB, the relay's limit for one image. Select a smaller layer.",
    },
    {
      name: 'images over the total limit',
      form: () => buildEditForm({ prompt: 'p', size: 'auto', images: [0, 1].map((i) => ({ filename: `${i}.png`, bytes: pngOfBytes(60 * KB) })) }),
      status: 413,
      param: 'image',
      message: "The references add up to more than 100 KB, the relay's limit for one request. Select fewer or smaller layers.",
    },
    {
      name: 'a prompt over the limit',
      form: () => buildEditForm({ prompt: 'é'.repeat(501), size: 'auto', images: [{ filename: 'a.png', bytes: solidPng(4, 4) }] }),
      status: 400,
      param: 'prompt',
      message: 'A prompt may have at most 500 characters; this one has 501. Shorten it.',
    },
    {
      name: 'no prompt',
      form: () => buildEditForm({ prompt: '', size: 'auto', images: [{ filename: 'a.png', bytes: solidPng(4, 4) }] }),
      status: 400,
      param: 'prompt',
      message: 'Write a prompt that describes the image.',
    },
    {
      name: 'a size that is not one of the ten',
      form: () => {
        const form = buildEditForm({ prompt: 'p', size: 'auto', images: [{ filename: 'a.png', bytes: solidPng(4, 4) }] });
        form.set('size', '800x600');
        return form;
      },
      status: 400,
      param: 'size',
      message: 'Size must be one of auto, 1024x1024, 1536x1024, 1024x1536, 1536x1152, 1152x1536, 2048x2048, 2048x1152, 3840x2160, 2160x3840.',
    },
    {
      name: 'an image that is not PNG, JPEG or WebP by its bytes',
      form: () => buildEditForm({ prompt: 'p', size: 'auto', images: [{ filename: 'cat.gif', bytes: new TextEncoder().encode('GIF89a\x01\x00\x01\x00\x00\x00\x00') }] }),
      status: 400,
      param: 'image',
      message: 'Reference 1 (cat.gif) is not a PNG, JPEG or WebP image by its contents. Export the layer as PNG.',
    },
  ];

  for (const limit of cases) {
    it(`refuses ${limit.name} with ${limit.status}, naming the field and the limit, without calling the provider`, async () => {
      const before = provider.calls.length;
      const { status, error } = await send(limit.form());
      expect(status).toBe(limit.status);
      expect(error).toMatchObject({ param: limit.param, message: limit.message });
      expect(provider.calls.length).toBe(before);
    });
  }

  it('refuses a text-to-image prompt over the limit with 400, without calling the provider', async () => {
    const before = provider.calls.length;
    const response = await fetch(`${relay.url}/v1/images/generations`, {
      method: 'POST',
      body: JSON.stringify({ prompt: 'x'.repeat(501), size: 'auto' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: object }).error).toMatchObject({ param: 'prompt', message: 'A prompt may have at most 500 characters; this one has 501. Shorten it.' });
    expect(provider.calls.length).toBe(before);
  });

  it('refuses a text-to-image body far larger than any valid prompt with 413 before reading it', async () => {
    const answer = await postWithoutEnd(`${relay.url}/v1/images/generations`, { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) }, []);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error).toMatchObject({ param: 'prompt', message: 'The body is larger than a prompt of 500 characters needs. Shorten the prompt.' });
  });

  it('forwards a JPEG reference as JPEG', async () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0]);
    const { status } = await send(buildEditForm({ prompt: 'p', size: 'auto', images: [{ filename: 'photo', bytes: jpeg }] }));
    expect(status).toBe(200);
    expect(provider.calls.at(-1)!.images[0]).toMatchObject({ field: 'image', filename: 'reference-1.jpg', type: 'image/jpeg' });
  });

  it('answers 413 to an oversized Content-Length before the body is sent', async () => {
    const before = provider.calls.length;
    const answer = await postWithoutEnd(
      `${relay.url}/v1/images/edits`,
      { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': String(1024 * 1024 * 1024) },
      [],
    );
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.message).toBe('The request is 1024 MB; the relay takes at most 100 KB of references in all. Select fewer or smaller layers.');
    expect(provider.calls.length).toBe(before);
  });

  it('refuses an image growing past the limit while the body is still streaming in', async () => {
    const before = provider.calls.length;
    const answer = await postWithoutEnd(`${relay.url}/v1/images/edits`, { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, openImagePart('image'));
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error).toMatchObject({ param: 'image', message: expect.stringContaining('larger than 64 KB') });
    expect(provider.calls.length).toBe(before);
  });

  it('counts the bytes of parts it does not forward against the body limit', async () => {
    const answer = await postWithoutEnd(`${relay.url}/v1/images/edits`, { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, openImagePart('mask'));
    expect(answer.status).toBe(413);
  });

  it('keeps serving after refusing a request mid-stream', async () => {
    await postWithoutEnd(`${relay.url}/v1/images/edits`, { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, openImagePart('image'));
    const { status } = await send(buildEditForm({ prompt: 'p', size: 'auto', images: [{ filename: 'a.png', bytes: solidPng(4, 4) }] }));
    expect(status).toBe(200);
  });

  it('costs nothing when the client leaves in the middle of its upload, and keeps serving', async () => {
    const before = provider.calls.length;
    await new Promise<void>((resolve) => {
      const upload = request(`${relay.url}/v1/images/edits`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, agent: false });
      upload.on('error', () => resolve());
      upload.on('close', () => resolve());
      upload.write(openImagePart('image').next().value!);
      setTimeout(() => upload.destroy(), 50);
    });
    const { status } = await send(buildEditForm({ prompt: 'p', size: 'auto', images: [{ filename: 'a.png', bytes: solidPng(4, 4) }] }));
    expect(status).toBe(200);
    expect(provider.calls.length).toBe(before + 1);
    await expect.poll(() => relay.logs.some((line) => line.includes('"path":"/v1/images/edits"') && line.includes('"status":400'))).toBe(true);
  });
});

