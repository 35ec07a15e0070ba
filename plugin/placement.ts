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

export const PLACEMENT_GAP = 40;

/** The smallest box holding all the given boxes. */
export function boundingBox(boxes: readonly Box[]): Box {
  const left = Math.min(...boxes.map((b) => b.x));
  const top = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

function overlaps(a: Box, b: Box, margin: number): boolean {
  return (
    a.x < b.x + b.width + margin &&
    b.x < a.x + a.width + margin &&
    a.y < b.y + b.height + margin &&
    b.y < a.y + a.height + margin
  );
}

/**
 * Positions for a row of new nodes to the right of `anchor`, top-aligned with it, `gap` apart,
 * moved further right until the whole row clears every obstacle by at least `gap`.
 */
export function placeRowBeside(
  anchor: Box,
  sizes: readonly { width: number; height: number }[],
  obstacles: readonly Box[],
  gap = PLACEMENT_GAP,
): Point[] {
  const rowWidth = sizes.reduce((sum, s) => sum + s.width, 0) + gap * Math.max(0, sizes.length - 1);
  const rowHeight = Math.max(0, ...sizes.map((s) => s.height));
  let x = anchor.x + anchor.width + gap;
  for (;;) {
    const row: Box = { x, y: anchor.y, width: rowWidth, height: rowHeight };
    const blocking = obstacles.filter((o) => overlaps(row, o, gap));
    if (blocking.length === 0) break;
    x = Math.max(...blocking.map((o) => o.x + o.width)) + gap;
  }
  const points: Point[] = [];
  for (const size of sizes) {
    points.push({ x, y: anchor.y });
    x += size.width + gap;
  }
  return points;
}
