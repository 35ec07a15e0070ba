import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Box, boundingBox, nearestClearSpot, PLACEMENT_GAP, placeRow, type Point, rowFrom, rowSize, spotsBeside } from '../../plugin/placement';

/** Written out again here rather than imported, so the properties do not trust the code they check. */
function tooClose(a: Box, b: Box, gap: number): boolean {
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
}

describe('placing a row of results beside its sources', () => {
  const sources = { x: 100, y: 50, width: 400, height: 300 };
  const square = { width: 1024, height: 1024 };

  it('puts a result right of its sources, top-aligned, one gap away, when nothing is in the way', () => {
    expect(placeRow(spotsBeside(sources), [square], [sources])).toEqual([{ x: 500 + PLACEMENT_GAP, y: 50 }]);
  });

  it('puts the next row of a banner below it, under the earlier row, rather than past the end of that row', () => {
    const banner = { x: 0, y: 0, width: 1200, height: 400 };
    const variant = { width: 1536, height: 1024 };
    const eight = Array.from({ length: 8 }, () => variant);
    const earlierRow = { x: 1240, y: 0, ...rowSize(eight) };
    const positions = placeRow(spotsBeside(banner), eight, [banner, earlierRow]);
    // The search that only moved right put it past the end of the earlier row, at x = 13,848.
    expect(positions[0]).toEqual({ x: 0, y: 1024 + PLACEMENT_GAP });
  });

  it('goes below its sources, left-aligned, when the spot on the right is taken', () => {
    const neighbour = { x: 540, y: 0, width: 200, height: 200 };
    expect(placeRow(spotsBeside(sources), [{ width: 500, height: 500 }], [sources, neighbour])).toEqual([{ x: 100, y: 350 + PLACEMENT_GAP }]);
  });

  it('slides down on the right when that is nearer than any spot below', () => {
    const tall = { x: 0, y: 0, width: 100, height: 1000 };
    const onTheRight = { x: 140, y: 0, width: 200, height: 50 };
    const underneath = { x: 0, y: 1040, width: 500, height: 500 };
    const [point] = placeRow(spotsBeside(tall), [{ width: 200, height: 200 }], [tall, onTheRight, underneath]);
    expect(point).toEqual({ x: 140, y: 50 + PLACEMENT_GAP });
  });

  it('moves past a chain of layers on the right when both sides are blocked further than that', () => {
    const first = { x: 540, y: 100, width: 100, height: 100 };
    const second = { x: 680, y: 0, width: 100, height: 2000 };
    const below = { x: 0, y: 390, width: 540, height: 2000 };
    const [point] = placeRow(spotsBeside(sources), [{ width: 300, height: 300 }], [sources, first, second, below]);
    expect(point).toEqual({ x: 780 + PLACEMENT_GAP, y: 50 });
  });

  it('ignores layers far above or below the result', () => {
    const above = { x: 540, y: -2000, width: 3000, height: 100 };
    expect(placeRow(spotsBeside(sources), [{ width: 100, height: 100 }], [above])).toEqual([{ x: 540, y: 50 }]);
  });

  it('may end exactly one gap from a layer', () => {
    const neighbour = { x: 540 + 100 + PLACEMENT_GAP, y: 50, width: 100, height: 100 };
    expect(placeRow(spotsBeside(sources), [{ width: 100, height: 100 }], [neighbour])).toEqual([{ x: 540, y: 50 }]);
  });

  it('from a single spot (the middle of the view) moves only right or down', () => {
    const spot = { x: 0, y: 0 };
    const inTheWay = { x: -50, y: -50, width: 200, height: 100 };
    expect(nearestClearSpot([spot], { width: 10, height: 10 }, [inTheWay])).toEqual({ x: 0, y: 50 + PLACEMENT_GAP });
  });

  it('lays several results out in one evenly spaced row', () => {
    const points = placeRow(spotsBeside(sources), [{ width: 100, height: 100 }, { width: 200, height: 50 }, { width: 100, height: 100 }], []);
    expect(points).toEqual([
      { x: 540, y: 50 },
      { x: 540 + 100 + PLACEMENT_GAP, y: 50 },
      { x: 540 + 100 + PLACEMENT_GAP + 200 + PLACEMENT_GAP, y: 50 },
    ]);
    expect(rowFrom({ x: 0, y: 0 }, [])).toEqual([]);
  });

  it('bounds several boxes', () => {
    expect(boundingBox([{ x: 0, y: 10, width: 10, height: 10 }, { x: -5, y: 40, width: 10, height: 5 }])).toEqual({
      x: -5, y: 10, width: 15, height: 35,
    });
  });
});

describe('the nearest clear spot, for any layout', () => {
  const box = fc.record({ x: fc.integer({ min: 0, max: 40 }), y: fc.integer({ min: 0, max: 40 }), width: fc.integer({ min: 1, max: 15 }), height: fc.integer({ min: 1, max: 15 }) });
  const layout = fc.record({
    sources: box,
    obstacles: fc.array(box, { maxLength: 8 }),
    size: fc.record({ width: fc.integer({ min: 1, max: 20 }), height: fc.integer({ min: 1, max: 20 }) }),
    gap: fc.integer({ min: 0, max: 6 }),
  });

  const clear = (point: Point, size: { width: number; height: number }, obstacles: readonly Box[], gap: number) =>
    obstacles.every((obstacle) => !tooClose({ ...point, ...size }, obstacle, gap));

  it('never comes within a gap of an obstacle, and stays right of or below its sources', () => {
    fc.assert(
      fc.property(layout, ({ sources, obstacles, size, gap }) => {
        const all = [sources, ...obstacles];
        const point = nearestClearSpot(spotsBeside(sources, gap), size, all, gap);
        expect(clear(point, size, all, gap)).toBe(true);
        const right = point.x >= sources.x + sources.width + gap && point.y >= sources.y;
        const below = point.y >= sources.y + sources.height + gap && point.x >= sources.x;
        expect(right || below).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('is never farther than needed: every spot nearer to either preferred spot is blocked', () => {
    fc.assert(
      fc.property(layout, ({ sources, obstacles, size, gap }) => {
        const all = [sources, ...obstacles];
        const spots = spotsBeside(sources, gap);
        const found = nearestClearSpot(spots, size, all, gap);
        const distance = Math.min(...spots.filter((s) => found.x >= s.x && found.y >= s.y).map((s) => Math.hypot(found.x - s.x, found.y - s.y)));
        // With whole-pixel layers the nearest spot is at whole pixels: try every nearer one.
        for (const spot of spots) {
          for (let dx = 0; dx < distance; dx++) {
            for (let dy = 0; Math.hypot(dx, dy) < distance; dy++) {
              expect(clear({ x: spot.x + dx, y: spot.y + dy }, size, all, gap), `${spot.x + dx},${spot.y + dy} is nearer and clear`).toBe(false);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('places a row whose every member is clear of the obstacles and of each other', () => {
    const sizes = fc.array(fc.record({ width: fc.integer({ min: 1, max: 12 }), height: fc.integer({ min: 1, max: 12 }) }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(layout, sizes, ({ sources, obstacles, gap }, members) => {
        const all = [sources, ...obstacles];
        const boxes = placeRow(spotsBeside(sources, gap), members, all, gap).map((point, i) => ({ ...point, ...members[i] }));
        for (const [i, member] of boxes.entries()) {
          expect(all.some((obstacle) => tooClose(member, obstacle, gap))).toBe(false);
          if (i > 0) expect(member.x).toBe(boxes[i - 1].x + boxes[i - 1].width + gap);
        }
      }),
      { numRuns: 300 },
    );
  });
});
