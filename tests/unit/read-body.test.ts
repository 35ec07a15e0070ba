import { describe, expect, it } from 'vitest';
import { readBody } from '../../ui/read-body';

/** A response that delivers `bytes` in chunks of `size`, announcing `announced` as its length. */
function chunkedResponse(bytes: Uint8Array, size: number, announced?: number): Response {
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
  return new Response(body, { headers: announced === undefined ? {} : { 'Content-Length': String(announced) } });
}

const image = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) % 251);

describe('reading a downloaded image', () => {
  it('puts the chunks of an announced body together in order', async () => {
    expect(await readBody(chunkedResponse(image, 4096, image.length))).toEqual(image);
  });

  it('keeps every byte of a body longer than announced', async () => {
    expect(await readBody(chunkedResponse(image, 4096, 1000))).toEqual(image);
  });

  it('returns only the bytes that came when fewer came than announced', async () => {
    expect(await readBody(chunkedResponse(image, 4096, image.length + 500))).toEqual(image);
  });

  it('reads a body whose size was not announced', async () => {
    expect(await readBody(chunkedResponse(image, 4096))).toEqual(image);
  });
});
