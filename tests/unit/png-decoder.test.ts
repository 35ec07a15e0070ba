import { crc32, deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../../ui/png-decoder';

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;
type ColourType = keyof typeof CHANNELS;

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])));
  return Buffer.concat([head, body, crc]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** A PNG written the long way, as the format describes it: each row with its own filter (of all five), zlib at random levels, split over IDATs. */
function pngOf(samples: Uint8Array, width: number, height: number, colourType: ColourType, filters: number[], extra: Buffer[] = [], idatSplit = 1): Buffer {
  const bpp = CHANNELS[colourType];
  const stride = width * bpp;
  const filtered = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const filter = filters[y % filters.length];
    filtered[y * (stride + 1)] = filter;
    for (let i = 0; i < stride; i++) {
      const at = y * stride + i;
      const left = i >= bpp ? samples[at - bpp] : 0;
      const up = y > 0 ? samples[at - stride] : 0;
      const upLeft = y > 0 && i >= bpp ? samples[at - stride - bpp] : 0;
      const predicted = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
      filtered[y * (stride + 1) + 1 + i] = (samples[at] - predicted) & 0xff;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width);
  header.writeUInt32BE(height, 4);
  header.set([8, colourType, 0, 0, 0], 8);
  const zlib = deflateSync(filtered);
  const size = Math.ceil(zlib.length / idatSplit);
  const idats = Array.from({ length: idatSplit }, (_, i) => chunk('IDAT', zlib.subarray(i * size, (i + 1) * size))).filter((part) => part.length > 12);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), ...extra, ...idats, chunk('IEND', new Uint8Array())]);
}

describe('decodePng', () => {
  it('gives back RGBA pixels exactly, semi-transparent ones too, whatever each row is filtered with', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.infiniteStream(fc.integer({ min: 0, max: 255 })),
        async (width, height, filters, idatSplit, values) => {
          const rgba = Uint8Array.from({ length: width * height * 4 }, () => values.next().value as number);
          const decoded = await decodePng(pngOf(rgba, width, height, 6, filters, [], idatSplit));
          expect(decoded && { width: decoded.width, height: decoded.height }).toEqual({ width, height });
          expect(Buffer.from(decoded!.data)).toEqual(Buffer.from(rgba));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('spreads grey, grey with alpha, RGB and palette images to RGBA, with their transparency', async () => {
    // 2 × 1 each: the second pixel is the one tRNS names, where a type has one.
    const grey = await decodePng(pngOf(Uint8Array.from([17, 200]), 2, 1, 0, [1], [chunk('tRNS', Uint8Array.from([0, 200]))]));
    expect([...grey!.data]).toEqual([17, 17, 17, 255, 200, 200, 200, 0]);
    const greyAlpha = await decodePng(pngOf(Uint8Array.from([17, 5, 200, 128]), 2, 1, 4, [4]));
    expect([...greyAlpha!.data]).toEqual([17, 17, 17, 5, 200, 200, 200, 128]);
    const rgb = await decodePng(pngOf(Uint8Array.from([1, 2, 3, 9, 8, 7]), 2, 1, 2, [3], [chunk('tRNS', Uint8Array.from([0, 9, 0, 8, 0, 7]))]));
    expect([...rgb!.data]).toEqual([1, 2, 3, 255, 9, 8, 7, 0]);
    const palette = chunk('PLTE', Uint8Array.from([10, 20, 30, 40, 50, 60]));
    const indexed = await decodePng(pngOf(Uint8Array.from([1, 0]), 2, 1, 3, [0], [palette, chunk('tRNS', Uint8Array.from([77]))]));
    expect([...indexed!.data]).toEqual([40, 50, 60, 255, 10, 20, 30, 77]);
  });

  it('reads the rows its header gives from a zlib stream that holds more, fed to the browser in pieces', async () => {
    const [width, height] = [300, 200];
    const rgba = Uint8Array.from({ length: width * height * 4 }, (_, i) => (i * 7919) % 256);
    const rows = Buffer.concat(Array.from({ length: height }, (_, y) => Buffer.concat([Buffer.of(0), rgba.subarray(y * width * 4, (y + 1) * width * 4)])));
    // Level 0: stored, so the stream is larger than one 64 KB piece; then 100 kB past the rows.
    const zlib = deflateSync(Buffer.concat([rows, Buffer.alloc(100_000, 7)]), { level: 0 });
    const header = Buffer.alloc(13);
    header.writeUInt32BE(width);
    header.writeUInt32BE(height, 4);
    header.set([8, 6, 0, 0, 0], 8);
    const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', zlib), chunk('IEND', new Uint8Array())]);
    const decoded = await decodePng(png);
    expect(Buffer.from(decoded!.data).equals(Buffer.from(rgba))).toBe(true);
  });

  it('leaves what it does not read to the caller: 16-bit, interlaced, not a PNG', async () => {
    const png = pngOf(new Uint8Array(4), 1, 1, 6, [0]);
    const sixteen = Buffer.from(png);
    sixteen[8 + 8 + 8] = 16;
    expect(await decodePng(sixteen)).toBeUndefined();
    const interlaced = Buffer.from(png);
    interlaced[8 + 8 + 12] = 1;
    expect(await decodePng(interlaced)).toBeUndefined();
    expect(await decodePng(Uint8Array.from([1, 2, 3]))).toBeUndefined();
  });
});
