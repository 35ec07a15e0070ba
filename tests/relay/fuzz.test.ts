import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REQUEST_LIMITS } from '../../relay/request-limits';
import { TokenFiles } from '../../relay/store/disk/token-files';
import { createToken } from '../../relay/tokens';
import { liveUpstream } from '../../relay/upstream';
import { buildEditForm } from '../../shared/edit-form';
import { IMAGE_SIZES } from '../../shared/sizes';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { solidPng } from '../fakes/png';
import { temporaryDataDir } from '../helpers/relay-process';
import { startRelay, type RunningRelay } from '../helpers/relay-server';

const API_KEY = 'sk-test-fuzz-6a1f0c';
const BOUNDARY = 'fuzz-boundary-7Qz';
const LIMITS = { ...DEFAULT_REQUEST_LIMITS, maxImages: 3, maxImageBytes: 4096, maxTotalImageBytes: 8192, maxPromptChars: 200 };
const RUNS = 60;

interface Part {
  name: string;
  filename?: string;
  type?: string;
  data: Uint8Array | string;
}

const encoder = new TextEncoder();

function multipart(parts: Part[], boundary = BOUNDARY): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}`;
    const type = part.type === undefined ? '' : `Content-Type: ${part.type}\r\n`;
    chunks.push(encoder.encode(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`));
    chunks.push(typeof part.data === 'string' ? encoder.encode(part.data) : part.data);
    chunks.push(encoder.encode('\r\n'));
  }
  chunks.push(encoder.encode(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 80 });
const png = fc.constantFrom(solidPng(2, 2), solidPng(3, 5), solidPng(8, 1));
const image = (name: string) => png.map((data): Part => ({ name, filename: 'a.png', type: 'image/png', data }));
const validParts = fc
  .record({
    prompt: fc.string({ minLength: 1, maxLength: 40 }).filter((p) => p.trim() !== ''),
    size: fc.constantFrom(...IMAGE_SIZES.map((s) => s.value)),
    images: fc.array(png, { minLength: 1, maxLength: 3 }),
  })
  .map(({ prompt, size, images }): Part[] => [
    { name: 'prompt', data: prompt },
    { name: 'size', data: size },
    ...images.map((data) => ({ name: images.length === 1 ? 'image' : 'image[]', filename: 'a.png', type: 'image/png', data })),
  ]);

/** A request with one defect that the relay must refuse, whatever else it holds. */
const defectiveParts: fc.Arbitrary<Part[]> = fc.oneof(
  validParts.map((parts) => parts.filter((p) => p.name !== 'prompt')),
  fc.tuple(validParts, printable.filter((s) => !IMAGE_SIZES.some((size) => size.value === s))).map(([parts, size]) => parts.map((p) => (p.name === 'size' ? { ...p, data: size } : p))),
  fc.tuple(validParts, fc.uint8Array({ minLength: 0, maxLength: 64 }).filter((b) => !(b[0] === 0x89 || b[0] === 0xff || b[0] === 0x52))).map(([parts, junk]) => [
    ...parts.filter((p) => p.filename === undefined),
    { name: 'image', filename: 'x.png', type: 'image/png', data: junk },
  ]),
  fc.tuple(validParts, fc.array(image('image[]'), { minLength: LIMITS.maxImages + 1, maxLength: LIMITS.maxImages + 4 })).map(([parts, images]) => [
    ...parts.filter((p) => p.filename === undefined),
    ...images,
  ]),
  fc.tuple(validParts, fc.integer({ min: LIMITS.maxPromptChars + 1, max: LIMITS.maxPromptChars * 3 })).map(([parts, length]) => parts.map((p) => (p.name === 'prompt' ? { ...p, data: 'x'.repeat(length) } : p))),
  fc.tuple(validParts, fc.integer({ min: LIMITS.maxImageBytes + 1, max: LIMITS.maxImageBytes * 3 })).map(([parts, length]) => {
    const big = new Uint8Array(length);
    big.set(solidPng(2, 2).subarray(0, 8));
    return [...parts.filter((p) => p.filename === undefined), { name: 'image', filename: 'big.png', type: 'image/png', data: big }];
  }),
  fc.tuple(validParts, fc.constantFrom('0', '2', 'many', '')).map(([parts, n]) => [...parts, { name: 'n', data: n }]),
  validParts.map((parts) => [...parts.filter((p) => p.filename === undefined), { name: 'image', data: 'not a file' }]),
);

interface Sent {
  body: Uint8Array;
  contentType: string;
}

const malformedBodies: fc.Arbitrary<Sent> = fc.oneof(
  fc.uint8Array({ maxLength: 4096 }).map((body) => ({ body, contentType: `multipart/form-data; boundary=${BOUNDARY}` })),
  fc.tuple(validParts, fc.double({ min: 0, max: 1, noNaN: true })).map(([parts, at]) => {
    const whole = multipart(parts);
    const closing = Buffer.from(whole).lastIndexOf(`--${BOUNDARY}--`);
    return { body: whole.subarray(0, Math.floor(at * closing)), contentType: `multipart/form-data; boundary=${BOUNDARY}` };
  }),
  defectiveParts.map((parts) => ({ body: multipart(parts), contentType: `multipart/form-data; boundary=${BOUNDARY}` })),
  fc.tuple(validParts, printable).map(([parts, other]) => ({ body: multipart(parts), contentType: `multipart/form-data; boundary=x${other.replace(/[";]/g, '')}` })),
);

const malformedContentTypes = fc.oneof(
  printable.filter((type) => !type.toLowerCase().includes('multipart/form-data')),
  fc.constantFrom('multipart/form-data', 'multipart/form-data; boundary=', 'multipart/form-data; boundary=""', 'multipart/mixed; boundary=' + BOUNDARY, 'MULTIPART/FORM-DATA; charset=utf-8'),
);

describe('fuzzing the edit endpoint with malformed input', () => {
  let provider: FakeLlmEasy;
  let relay: RunningRelay;
  let token: string;

  beforeAll(async () => {
    provider = await startFakeLlmEasy({ apiKey: API_KEY, image: () => solidPng(8, 8) });
    const tokens = new TokenFiles(temporaryDataDir());
    token = await createToken(tokens, 'fuzzer');
    relay = await startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }), limits: LIMITS, access: { tokens, loopback: false } });
  });

  afterAll(async () => {
    await relay.close();
    await provider.close();
  });

  async function post(body: Uint8Array, headers: Record<string, string>) {
    const response = await fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: body as Uint8Array<ArrayBuffer>, headers });
    const text = await response.text();
    return { status: response.status, text };
  }

  function expectRefusal(answer: { status: number; text: string }) {
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(typeof (JSON.parse(answer.text) as { error: { message: unknown } }).error.message).toBe('string');
    expect(provider.calls).toHaveLength(0);
  }

  it('answers every malformed multipart body with a 4xx, sync or async, and never calls the provider', async () => {
    await fc.assert(
      fc.asyncProperty(malformedBodies, fc.boolean(), async ({ body, contentType }, async) => {
        const headers: Record<string, string> = { 'content-type': contentType, authorization: `Bearer ${token}`, ...(async ? { prefer: 'respond-async' } : {}) };
        expectRefusal(await post(body, headers));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('answers a well-formed body under a malformed Content-Type with a 4xx', async () => {
    const body = multipart([{ name: 'prompt', data: 'p' }, { name: 'image', filename: 'a.png', type: 'image/png', data: solidPng(2, 2) }]);
    await fc.assert(
      fc.asyncProperty(malformedContentTypes, async (contentType) => {
        expectRefusal(await post(body, { 'content-type': contentType, authorization: `Bearer ${token}` }));
      }),
      { numRuns: RUNS },
    );
  });

  it('answers any Authorization but the token with 401, before reading the body', async () => {
    const body = multipart([{ name: 'prompt', data: 'p' }, { name: 'image', filename: 'a.png', type: 'image/png', data: solidPng(2, 2) }]);
    await fc.assert(
      fc.asyncProperty(fc.oneof(printable, printable.map((s) => `Bearer ${s}`), printable.map((s) => `Bearer ${token.slice(0, 10)}${s}`)), async (authorization) => {
        const answer = await post(body, { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, authorization });
        expect(answer.status).toBe(401);
        expectRefusal(answer);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers raw requests with malformed framing headers with a 4xx and keeps serving', async () => {
    const lengths = fc.oneof(fc.constantFrom('-1', 'abc', '1e3', '0x10', '99999999999999999999', '10, 20', ''), printable);
    await fc.assert(
      fc.asyncProperty(lengths, fc.boolean(), printable, async (length, chunked, junk) => {
        const port = Number(new URL(relay.url).port);
        const head = [
          'POST /v1/images/edits HTTP/1.1',
          'Host: 127.0.0.1',
          `Authorization: Bearer ${token}`,
          `Content-Type: multipart/form-data; boundary=${BOUNDARY}`,
          `Content-Length: ${length}`,
          ...(chunked ? ['Transfer-Encoding: chunked'] : []),
          'Connection: close',
        ].join('\r\n');
        const reply = await new Promise<string>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => socket.end(`${head}\r\n\r\n${junk}`));
          let data = '';
          socket.on('data', (chunk) => (data += chunk.toString('latin1')));
          socket.on('close', () => resolve(data));
          socket.on('error', () => resolve(data));
        });
        expect(reply).toMatch(/^HTTP\/1\.1 4\d\d /);
        expect(provider.calls).toHaveLength(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('still makes an image for a valid request after all of that', async () => {
    const response = await fetch(`${relay.url}/v1/images/edits`, {
      method: 'POST',
      body: buildEditForm({ prompt: 'p', size: 'auto', images: [{ filename: 'a.png', bytes: solidPng(2, 2) }] }),
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(provider.calls).toHaveLength(1);
  });
});
