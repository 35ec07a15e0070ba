export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

export const PLACEMENT_GAP = 40;

/** The smallest box holding all the given boxes. */
export function boundingBox(boxes: readonly Box[]): Box {
  const left = Math.min(...boxes.map((b) => b.x));
  const top = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** Whether two boxes come closer than `margin` (touching at exactly the margin is clear). */
export function overlaps(a: Box, b: Box, margin: number): boolean {
  return (
    a.x < b.x + b.width + margin &&
    b.x < a.x + a.width + margin &&
    a.y < b.y + b.height + margin &&
    b.y < a.y + a.height + margin
  );
}

/** Where a row goes when nothing is in the way: right of its sources, top-aligned, or below them, left-aligned. */
export function spotsBeside(sources: Box, gap = PLACEMENT_GAP): Point[] {
  return [
    { x: sources.x + sources.width + gap, y: sources.y },
    { x: sources.x, y: sources.y + sources.height + gap },
  ];
}

/** The smallest x at or right of `from` where a box of `width` at height band `top`..`top + height` clears every obstacle. */
function firstClearX(from: number, top: number, size: Size, obstacles: readonly Box[], gap: number): number {
  // Each obstacle in the band forbids the open interval of x between "just touching its left" and "just past its right".
  const forbidden = obstacles
    .filter((o) => o.y < top + size.height + gap && top < o.y + o.height + gap)
    .map((o) => ({ start: o.x - size.width - gap, end: o.x + o.width + gap }))
    .sort((a, b) => a.start - b.start);
  let x = from;
  for (const { start, end } of forbidden) {
    if (start >= x) break;
    x = Math.max(x, end);
  }
  return x;
}

/**
 * The top-left of the clear spot nearest to one of the preferred spots, for a box of `size` that
 * must stay at least `gap` from every obstacle. From each preferred spot the box may move right
 * and down only (never back over its sources); distance is the straight line from that spot, and
 * on a tie the earlier spot, then the higher position, wins.
 *
 * Why checking only these rows is enough: any clear spot can slide up until it meets the top of its
 * region or an obstacle's bottom edge (plus gap) without coming nearer anything, so some nearest
 * spot has one of those y values; at that y the leftmost clear x is the nearest.
 */
export function nearestClearSpot(preferred: readonly Point[], size: Size, obstacles: readonly Box[], gap = PLACEMENT_GAP): Point {
  const bottoms = [...new Set(obstacles.map((o) => o.y + o.height + gap))].sort((a, b) => a - b);
  let best: { point: Point; distance: number } | undefined;
  for (const spot of preferred) {
    for (const y of [spot.y, ...bottoms.filter((bottom) => bottom > spot.y)]) {
      // Every row further down is at least this far away: none of them can win.
      if (best && y - spot.y >= best.distance) break;
      const x = firstClearX(spot.x, y, size, obstacles, gap);
      const distance = Math.hypot(x - spot.x, y - spot.y);
      if (!best || distance < best.distance) best = { point: { x, y }, distance };
    }
  }
  if (!best) throw new Error('nearestClearSpot needs at least one preferred spot');
  return best.point;
}

/** The width of a row of boxes `gap` apart, and the height of its tallest. */
export function rowSize(sizes: readonly Size[], gap = PLACEMENT_GAP): Size {
  return {
    width: sizes.reduce((sum, s) => sum + s.width, 0) + gap * Math.max(0, sizes.length - 1),
    height: Math.max(0, ...sizes.map((s) => s.height)),
  };
}

/** The top-left of each box of a row that starts at `origin`, top-aligned, `gap` apart. */
export function rowFrom(origin: Point, sizes: readonly Size[], gap = PLACEMENT_GAP): Point[] {
  let x = origin.x;
  return sizes.map((size) => {
    const point = { x, y: origin.y };
    x += size.width + gap;
    return point;
  });
}

/** Positions for a row of new nodes at the nearest spot right of or below `preferred`, clear of every obstacle. */
export function placeRow(preferred: readonly Point[], sizes: readonly Size[], obstacles: readonly Box[], gap = PLACEMENT_GAP): Point[] {
  return rowFrom(nearestClearSpot(preferred, rowSize(sizes, gap), obstacles, gap), sizes, gap);
}
