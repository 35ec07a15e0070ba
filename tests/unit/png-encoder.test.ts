import { crc32, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { photoLikePng } from '../../bench/photo-like-png';
import { decodePngRgba } from '../../shared/png-rgba';
import { encodeRows, joinPng } from '../../ui/png-encoder';

/** The PNG of these RGBA pixels, its rows compressed in parts cut at `cuts` (row numbers) and joined. */
function pngInParts(rgba: Uint8Array, width: number, height: number, cuts: number[]): Uint8Array {
  const bounds = [0, ...[...new Set(cuts)].filter((cut) => cut > 0 && cut < height).sort((a, b) => a - b), height];
  const parts = bounds.slice(1).map((end, i) => encodeRows(rgba.slice(bounds[i] * width * 4, end * width * 4), width, end - bounds[i]));
  return joinPng(width, height, parts);
}

/** The PNG's chunks, each checked against its CRC, and its zlib stream inflated by Node's zlib, which checks the Adler-32. */
function strictlyRead(png: Uint8Array): { types: string[]; filtered: Buffer } {
  const bytes = Buffer.from(png);
  const types: string[] = [];
  const idat: Buffer[] = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    expect(bytes.readUInt32BE(at + 8 + length), `${type} CRC`).toBe(crc32(bytes.subarray(at + 4, at + 8 + length)));
    types.push(type);
    if (type === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return { types, filtered: inflateSync(Buffer.concat(idat)) };
}

const image = fc
  .record({ width: fc.integer({ min: 1, max: 40 }), height: fc.integer({ min: 1, max: 40 }), flat: fc.boolean() })
  .chain(({ width, height, flat }) =>
    fc.record({
      width: fc.constant(width),
      height: fc.constant(height),
      // Flat images (few values, so long runs) and noisy ones take the encoder's two paths.
      rgba: fc.uint8Array({ minLength: width * height * 4, maxLength: width * height * 4, max: flat ? 1 : 255 }),
      cuts: fc.array(fc.integer({ min: 0, max: height }), { maxLength: 4 }),
    }),
  );

describe('the region composite’s PNG encoder', () => {
  it('makes a PNG of exactly the pixels given, however its rows are cut into parts', () => {
    fc.assert(
      fc.property(image, ({ width, height, rgba, cuts }) => {
        const png = pngInParts(rgba, width, height, cuts);
        const { types } = strictlyRead(png);
        expect(types[0]).toBe('IHDR');
        expect(types.at(-1)).toBe('IEND');
        const decoded = decodePngRgba(png);
        expect([decoded.width, decoded.height]).toEqual([width, height]);
        expect(Buffer.from(decoded.rgba).equals(Buffer.from(rgba))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('makes the same pixels of an image large enough for several deflate blocks, with runs of every length', () => {
    const width = 1500;
    const height = 800;
    const rgba = new Uint8Array(width * height * 4);
    let state = 7;
    const random = () => (state = (state * 1103515245 + 12345) >>> 0) >>> 16;
    for (let y = 0; y < height; y++) {
      // Stretches that repeat the row above (runs of zeros once filtered), of any length, between noise.
      for (let x = 0; x < width; ) {
        const stretch = 1 + (random() % 300);
        const repeat = y > 0 && random() % 2 === 0;
        for (let end = Math.min(width, x + stretch); x < end; x++) {
          for (let c = 0; c < 4; c++) rgba[(y * width + x) * 4 + c] = repeat ? rgba[((y - 1) * width + x) * 4 + c] : random() & 0xff;
        }
      }
    }
    const png = pngInParts(rgba, width, height, [1, 333]);
    strictlyRead(png);
    expect(Buffer.from(decodePngRgba(png).rgba).equals(Buffer.from(rgba))).toBe(true);
  });

  it('keeps a flat colour to a few bytes a row', () => {
    const width = 1000;
    const rgba = new Uint8Array(width * 1000 * 4);
    for (let i = 0; i < rgba.length; i += 4) rgba.set(i < rgba.length / 2 ? [255, 255, 255, 255] : [30, 60, 90, 255], i);
    const png = pngInParts(rgba, width, 1000, [300, 700]);
    // 4 MB of pixels: each row of one colour is a filter byte and runs of 258 zeros, about 13 bytes.
    expect(png.length).toBeLessThan(16_000);
    expect(Buffer.from(decodePngRgba(png).rgba).equals(Buffer.from(rgba))).toBe(true);
  });

  it('compresses a photo about as well as zlib does at its default level', () => {
    const photo = photoLikePng(512, 512, 9);
    const { rgba } = decodePngRgba(photo);
    const ours = pngInParts(rgba, 512, 512, [128, 300]);
    const zlibs = encode({ width: 512, height: 512, data: rgba, channels: 4, depth: 8 });
    expect(ours.length).toBeLessThan(zlibs.length * 1.1);
  });
});
