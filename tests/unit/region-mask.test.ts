import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskReach } from '../../shared/region-geometry';
import { blendThroughMask, changingSpans, featheredMask, maskingCrop, maskInCrop, marksAnything } from '../../ui/region-mask';
import { ROWS_A_PIECE } from '../../ui/time-slices';

/** A square shape's alpha: 255 inside [from, to) on both axes. */
function square(size: number, from: number, to: number): Uint8ClampedArray {
  const alpha = new Uint8ClampedArray(size * size);
  for (let y = from; y < to; y++) for (let x = from; x < to; x++) alpha[y * size + x] = 255;
  return alpha;
}

describe('a region edit’s mask arithmetic', () => {
  it('reads the shape’s alpha where it lies in the crop, and nothing around it', () => {
    const shape = { width: 2, height: 2, data: Uint8ClampedArray.from([0, 0, 0, 10, 0, 0, 0, 20, 0, 0, 0, 30, 0, 0, 0, 40]) };
    expect([...maskInCrop(shape, { x: 5, y: 5 }, { x: 4, y: 4, width: 3, height: 3 })]).toEqual([0, 0, 0, 0, 10, 20, 0, 30, 40]);
  });

  it('reads it a few rows at a time for the preparation, to the same alpha', () => {
    const side = 4 * ROWS_A_PIECE;
    const shape = { width: side, height: side, data: new Uint8ClampedArray(side * side * 4).map((_, i) => i % 251) };
    const box = { x: 0, y: 0, width: side, height: side };
    const work = maskingCrop(shape, { x: 0, y: 0 }, box);
    let pieces = 0;
    let step = work.next();
    for (; !step.done; step = work.next()) pieces++;
    expect(pieces).toBe(4);
    expect(step.value).toEqual(maskInCrop(shape, { x: 0, y: 0 }, box));
  });

  it('ramps a straight edge linearly over the feather, each side of it', () => {
    const alpha = square(40, 10, 30);
    const soft = featheredMask(alpha, 40, 40, 4);
    const row = [...soft.slice(20 * 40, 20 * 40 + 20)];
    expect(row.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(row.slice(6, 15)).toEqual([28, 56, 85, 113, 141, 170, 198, 226, 255]);
    expect(row.slice(15)).toEqual([255, 255, 255, 255, 255]);
  });

  it('leaves every pixel farther than the feather from the shape at 0, and the shape’s inside beyond it at 255', () => {
    const size = 64;
    const alpha = square(size, 20, 44);
    const radius = 5;
    const soft = featheredMask(alpha, size, size, radius);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const outside = Math.max(20 - x, x - 43, 20 - y, y - 43);
        if (outside > radius) expect(soft[y * size + x]).toBe(0);
        if (outside < -radius) expect(soft[y * size + x]).toBe(255);
      }
    }
  });

  it('keeps a hard edge with no feather, and a shape at the crop’s edge full up to it', () => {
    const alpha = square(20, 0, 10);
    expect(featheredMask(alpha, 20, 20, 0)).toBe(alpha);
    expect(featheredMask(alpha, 20, 20, 3)[0]).toBe(255);
  });

  it('blends the answer over the layer through the mask: 0 keeps the layer exactly, 255 takes the answer', () => {
    const layer = { width: 3, height: 1, data: Uint8ClampedArray.from([10, 20, 30, 255, 10, 20, 30, 255, 10, 20, 30, 255]) };
    const answer = { width: 3, height: 1, data: Uint8ClampedArray.from([200, 100, 0, 255, 200, 100, 0, 255, 200, 100, 0, 255]) };
    blendThroughMask(layer, { x: 0, y: 0 }, answer, Uint8ClampedArray.from([0, 128, 255]));
    expect([...layer.data]).toEqual([10, 20, 30, 255, 105, 60, 15, 255, 200, 100, 0, 255]);
  });

  it('feathers only over the shape’s reach: there the mask is the one over the whole crop, and outside it that mask is 0', () => {
    const scene = fc.record({
      shape: fc.record({ x: fc.integer({ min: -10, max: 40 }), y: fc.integer({ min: -10, max: 40 }), width: fc.integer({ min: 1, max: 20 }), height: fc.integer({ min: 1, max: 20 }) }),
      crop: fc.record({ x: fc.integer({ min: 0, max: 20 }), y: fc.integer({ min: 0, max: 20 }), width: fc.integer({ min: 1, max: 40 }), height: fc.integer({ min: 1, max: 40 }) }),
      radius: fc.integer({ min: 0, max: 6 }),
      seed: fc.integer(),
    });
    fc.assert(
      fc.property(scene, ({ shape, crop, radius, seed }) => {
        const data = new Uint8ClampedArray(shape.width * shape.height * 4);
        for (let i = 3; i < data.length; i += 4) data[i] = (Math.imul(i, seed) >>> 24) % 3 === 0 ? 0 : 255;
        const pixels = { width: shape.width, height: shape.height, data };
        const whole = featheredMask(maskInCrop(pixels, shape, crop), crop.width, crop.height, radius);
        const reach = maskReach(shape, crop, radius);
        const part = featheredMask(maskInCrop(pixels, shape, reach), reach.width, reach.height, radius);
        for (let y = 0; y < crop.height; y++) {
          for (let x = 0; x < crop.width; x++) {
            const rx = crop.x + x - reach.x;
            const ry = crop.y + y - reach.y;
            const inReach = rx >= 0 && ry >= 0 && rx < reach.width && ry < reach.height;
            expect(whole[y * crop.width + x]).toBe(inReach ? part[ry * reach.width + rx] : 0);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('blends into a box of a larger image, leaving the rest of it alone', () => {
    const under = { width: 4, height: 2, data: new Uint8ClampedArray(4 * 2 * 4).fill(50) };
    const answer = { width: 2, height: 1, data: Uint8ClampedArray.from([250, 150, 0, 255, 100, 100, 100, 255]) };
    blendThroughMask(under, { x: 1, y: 1 }, answer, Uint8ClampedArray.from([255, 51]));
    expect([...under.data.slice(16)]).toEqual([50, 50, 50, 50, 250, 150, 0, 255, 60, 60, 60, 91, 50, 50, 50, 50]);
    expect(under.data.slice(0, 16).every((value) => value === 50)).toBe(true);
  });

  it('tells a shape that marks nothing (no fill) from one that does', () => {
    expect(marksAnything(new Uint8ClampedArray(9))).toBe(false);
    expect(marksAnything(square(3, 1, 2))).toBe(true);
  });

  it('gives each row the columns its Up-filtered bytes can change: where the mask is above 0 in it or in the row above', () => {
    fc.assert(
      fc.property(
        fc.record({ width: fc.integer({ min: 1, max: 12 }), height: fc.integer({ min: 1, max: 12 }), x: fc.integer({ min: 0, max: 20 }), extra: fc.integer({ min: 0, max: 20 }) }).chain((box) =>
          fc.record({ box: fc.constant(box), mask: fc.uint8Array({ minLength: box.width * box.height, maxLength: box.width * box.height, max: 1 }) }),
        ),
        ({ box: { width, height, x, extra }, mask }) => {
          const rowWidth = x + width + extra;
          const spans = changingSpans(Uint8ClampedArray.from(mask, (value) => value * 255), { x, y: 0, width, height }, rowWidth);
          for (let y = 0; y < height; y++) {
            const [from, to] = [spans[2 * y], spans[2 * y + 1]];
            const changing = [...Array(width).keys()].filter((column) => mask[y * width + column] > 0 || (y > 0 && mask[(y - 1) * width + column] > 0));
            if (changing.length === 0) expect([from, to]).toEqual([rowWidth, rowWidth]);
            else expect([from, to]).toEqual([x + Math.min(...changing), x + Math.max(...changing) + 1]);
          }
        },
      ),
    );
  });
});
