import { describe, expect, it } from 'vitest';
import { boundingBox, PLACEMENT_GAP, placeRowBeside } from '../../plugin/placement';

describe('placement beside the selection', () => {
  const anchor = { x: 100, y: 50, width: 400, height: 300 };

  it('puts a result right of the selection, top-aligned, one gap away', () => {
    expect(placeRowBeside(anchor, [{ width: 1024, height: 1024 }], [anchor])).toEqual([{ x: 500 + PLACEMENT_GAP, y: 50 }]);
  });

  it('moves past a layer that would be covered', () => {
    const neighbour = { x: 600, y: 0, width: 200, height: 200 };
    const [point] = placeRowBeside(anchor, [{ width: 500, height: 500 }], [anchor, neighbour]);
    expect(point).toEqual({ x: 800 + PLACEMENT_GAP, y: 50 });
  });

  it('moves past a chain of layers until the whole result is clear', () => {
    const first = { x: 560, y: 100, width: 100, height: 100 };
    const second = { x: 700, y: 600, width: 100, height: 100 };
    const [point] = placeRowBeside(anchor, [{ width: 300, height: 800 }], [first, second]);
    expect(point.x).toBe(800 + PLACEMENT_GAP);
  });

  it('ignores layers far above or below the result', () => {
    const above = { x: 540, y: -2000, width: 3000, height: 100 };
    expect(placeRowBeside(anchor, [{ width: 100, height: 100 }], [above])).toEqual([{ x: 540, y: 50 }]);
  });

  it('lays several results out in one evenly spaced row', () => {
    const points = placeRowBeside(anchor, [{ width: 100, height: 100 }, { width: 200, height: 50 }, { width: 100, height: 100 }], []);
    expect(points).toEqual([
      { x: 540, y: 50 },
      { x: 540 + 100 + PLACEMENT_GAP, y: 50 },
      { x: 540 + 100 + PLACEMENT_GAP + 200 + PLACEMENT_GAP, y: 50 },
    ]);
  });

  it('bounds several boxes', () => {
    expect(boundingBox([{ x: 0, y: 10, width: 10, height: 10 }, { x: -5, y: 40, width: 10, height: 5 }])).toEqual({
      x: -5, y: 10, width: 15, height: 35,
    });
  });
});
