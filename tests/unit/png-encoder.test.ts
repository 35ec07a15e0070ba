import { crc32, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { photoLikePng } from '../../bench/photo-like-png';
import { decodePngRgba } from '../../shared/png-rgba';
import { encodeChanged, encodeRows, joinPng, prepareRows } from '../../ui/png-encoder';

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

  it('decodes with fast-png (fflate) however long the rows go without a repeat: its inflate makes room for 128 KB a block', () => {
    const width = 1024;
    const height = 200;
    let state = 5;
    const noise = Uint8Array.from({ length: width * height * 4 }, () => (state = (state * 1103515245 + 12345) >>> 0) >>> 24);
    expect(Buffer.from(decodePngRgba(pngInParts(noise, width, height, [])).rgba).equals(Buffer.from(noise))).toBe(true);
    const spans = new Int32Array(2 * height);
    for (let y = 0; y < height; y++) spans.set([0, width], 2 * y);
    const changed = noise.map((value) => value ^ 0x55);
    const prepared = joinPng(width, height, [encodeChanged(prepareRows(noise, width, height, spans), changed)]);
    expect(Buffer.from(decodePngRgba(prepared).rgba).equals(Buffer.from(changed))).toBe(true);
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

  describe('with rows prepared ahead of a change within a span of each', () => {
    /** Spans (from, to) per row within `width` where the pixels change, some empty, and the new pixels. */
    const change = fc
      .record({ width: fc.integer({ min: 1, max: 40 }), height: fc.integer({ min: 1, max: 30 }), flat: fc.boolean(), flatChange: fc.boolean() })
      .chain(({ width, height, flat, flatChange }) =>
        fc.record({
          width: fc.constant(width),
          height: fc.constant(height),
          rgba: fc.uint8Array({ minLength: width * height * 4, maxLength: width * height * 4, max: flat ? 1 : 255 }),
          spans: fc.array(fc.tuple(fc.integer({ min: 0, max: width }), fc.integer({ min: 0, max: width })), { minLength: height, maxLength: height }),
          // The new pixels: flat or noisy, so the prepared codes fit them or not (the whole rows are then coded afresh).
          fresh: fc.uint8Array({ minLength: width * height * 4, maxLength: width * height * 4, max: flatChange ? 1 : 255 }),
        }),
      );

    it('makes a PNG of exactly the changed pixels, joined to parts before and after', () => {
      fc.assert(
        fc.property(change, ({ width, height, rgba, spans, fresh }) => {
          // A row's Up-filtered bytes change where it changes and where the row above does.
          const filteredSpans = new Int32Array(
            spans.flatMap(([from, to], y) => {
              const [aboveFrom, aboveTo] = y > 0 ? spans[y - 1] : [width, 0];
              const [start, end] = [Math.min(from < to ? from : width, aboveFrom < aboveTo ? aboveFrom : width), Math.max(from < to ? to : 0, aboveFrom < aboveTo ? aboveTo : 0)];
              return start < end ? [start, end] : [width, width];
            }),
          );
          const prepared = prepareRows(rgba, width, height, filteredSpans);
          const changed = rgba.slice();
          spans.forEach(([from, to], y) => {
            for (let x = from; x < to; x++) changed.set(fresh.subarray((y * width + x) * 4, (y * width + x + 1) * 4), (y * width + x) * 4);
          });
          const before = encodeRows(rgba, width, height);
          const png = joinPng(width, 3 * height, [before, encodeChanged(prepared, changed), before]);
          strictlyRead(png);
          const expected = Buffer.concat([rgba, changed, rgba]);
          expect(Buffer.from(decodePngRgba(png).rgba).equals(expected)).toBe(true);
        }),
        { numRuns: 300 },
      );
    });

    it('codes only the spans of a photo changed inside an ellipse, and comes out about as small as the rows coded afresh', () => {
      const side = 600;
      const layer = decodePngRgba(photoLikePng(side, side, 3)).rgba;
      const answer = decodePngRgba(photoLikePng(side, side, 5)).rgba;
      const inside = (x: number, y: number) => ((x + 0.5 - side / 2) / (side / 2.5)) ** 2 + ((y + 0.5 - side / 2) / (side / 2.5)) ** 2 <= 1;
      const changed = layer.slice();
      const spans = new Int32Array(2 * side).fill(side);
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          if (!inside(x, y)) continue;
          changed.set(answer.subarray((y * side + x) * 4, (y * side + x + 1) * 4), (y * side + x) * 4);
        }
      }
      for (let y = 1; y < side; y++) {
        const columns = [y - 1, y].flatMap((row) => [...Array(side).keys()].filter((x) => inside(x, row)));
        if (columns.length > 0) spans.set([Math.min(...columns), Math.max(...columns) + 1], 2 * y);
      }
      const prepared = encodeChanged(prepareRows(layer, side, side, spans), changed);
      const afresh = encodeRows(changed, side, side);
      const png = joinPng(side, side, [prepared]);
      strictlyRead(png);
      expect(Buffer.from(decodePngRgba(png).rgba).equals(Buffer.from(changed))).toBe(true);
      expect(prepared.deflated.length).toBeLessThan(afresh.deflated.length * 1.05);
      // The spans were coded with the prepared codes, not the rows afresh.
      expect(Buffer.from(prepared.deflated).equals(Buffer.from(afresh.deflated))).toBe(false);
    });

    it('compresses the rows afresh when the change is unlike what the codes were made for (noise over flat colour)', () => {
      const width = 300;
      const height = 200;
      const flat = new Uint8Array(width * height * 4).fill(200);
      const spans = new Int32Array(2 * height);
      for (let y = 0; y < height; y++) spans.set([50, 250], 2 * y);
      const changed = flat.slice();
      let state = 3;
      for (let y = 0; y < height; y++) {
        for (let x = 50; x < 250; x++) changed[(y * width + x) * 4] = (state = (state * 1103515245 + 12345) >>> 0) >>> 24;
      }
      const encoded = encodeChanged(prepareRows(flat, width, height, spans), changed);
      const afresh = encodeRows(changed, width, height);
      expect(Buffer.from(encoded.deflated).equals(Buffer.from(afresh.deflated))).toBe(true);
      expect(Buffer.from(decodePngRgba(joinPng(width, height, [encoded])).rgba).equals(Buffer.from(changed))).toBe(true);
    });
  });
});
