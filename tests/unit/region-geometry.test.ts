import { describe, expect, it } from 'vitest';
import { clampedTo, contextMargin, cropBox, maskReach, offsetInLayer, overlapArea } from '../../shared/region-geometry';
import { closestSize } from '../../shared/sizes';

describe('a region edit’s boxes', () => {
  it('places the shape’s export in the layer’s pixels at the layer’s export scale', () => {
    const layer = { x: 100, y: 100, width: 4096, height: 2048 };
    expect(offsetInLayer(layer, { x: 1100, y: 500, width: 200, height: 100 }, 0.5)).toEqual({ x: 500, y: 200 });
    expect(offsetInLayer(layer, { x: 100.6, y: 99.4, width: 10, height: 10 }, 1)).toEqual({ x: 1, y: -1 });
  });

  it('keeps a quarter of the shape’s longer side as context, at least 32 px', () => {
    expect(contextMargin({ width: 400, height: 100 })).toBe(100);
    expect(contextMargin({ width: 40, height: 20 })).toBe(32);
  });

  it('crops the shape’s box with its context, clamped to the layer', () => {
    const layer = { width: 1000, height: 600 };
    expect(cropBox(layer, { x: 400, y: 200, width: 200, height: 100 })).toEqual({ x: 350, y: 150, width: 300, height: 200 });
    expect(cropBox(layer, { x: 10, y: 500, width: 200, height: 100 })).toEqual({ x: 0, y: 450, width: 260, height: 150 });
    expect(cropBox(layer, { x: 0, y: 0, width: 1000, height: 600 })).toEqual({ x: 0, y: 0, width: 1000, height: 600 });
  });

  it('reaches the feather past the shape’s box, within the crop', () => {
    const crop = { x: 350, y: 150, width: 300, height: 200 };
    expect(maskReach({ x: 400, y: 200, width: 200, height: 100 }, crop, 4)).toEqual({ x: 396, y: 196, width: 208, height: 108 });
    expect(maskReach({ x: 352, y: 150, width: 200, height: 100 }, crop, 4)).toEqual({ x: 350, y: 150, width: 206, height: 104 });
    expect(maskReach({ x: 700, y: 200, width: 50, height: 50 }, crop, 4)).toMatchObject({ width: 0 });
  });

  it('clamps a box lying outside the layer to nothing', () => {
    expect(clampedTo({ width: 100, height: 100 }, { x: 150, y: 20, width: 30, height: 30 })).toMatchObject({ width: 0 });
    expect(clampedTo({ width: 100, height: 100 }, { x: -50, y: -50, width: 30, height: 30 })).toMatchObject({ width: 0, height: 0 });
  });

  it('tells overlapping boxes from ones that only touch', () => {
    expect(overlapArea({ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 5, width: 10, height: 10 })).toBe(25);
    expect(overlapArea({ x: 0, y: 0, width: 10, height: 10 }, { x: 10, y: 0, width: 10, height: 10 })).toBe(0);
  });

  it('asks for the documented size whose ratio is closest to the crop’s', () => {
    expect(closestSize({ width: 300, height: 200 })).toBe('1536x1024');
    expect(closestSize({ width: 260, height: 150 })).toBe('2048x1152');
    expect(closestSize({ width: 150, height: 210 })).toBe('1152x1536');
  });
});
