import type { Point } from './geometry';

/**
 * A vector's path data as Figma takes it (VectorPath.data): a subset of SVG's, absolute commands
 * only, M x y, L x y, Q x0 y0 x y, C x0 y0 x1 y1 x y and Z, each token separated by a single space.
 * Anything else is refused, as Figma refuses it, so a plugin that writes lowercase or H/V commands
 * fails here too. Curves are flattened into polygons to tell which points a fill covers.
 */

/** One closed-or-open run of the path (from an M to the next M), as points along it. */
export type Polygon = readonly Point[];

/** A path as the renderer needs it: its runs flattened, and which points its winding rule fills. */
export interface FlatPath {
  windingRule: VectorPath['windingRule'];
  polygons: readonly Polygon[];
}

const ARGUMENTS: Record<string, number> = { M: 2, L: 2, Q: 4, C: 6, Z: 0 };
/** Straight pieces per curve: at a few hundred pixels, finer than a pixel. */
const CURVE_STEPS = 24;

function refuse(detail: string): never {
  throw new Error(`in set_vectorPaths: Property "vectorPaths" failed validation: ${detail}`);
}

function quadratic(from: Point, control: Point, to: Point, t: number): Point {
  const u = 1 - t;
  return { x: u * u * from.x + 2 * u * t * control.x + t * t * to.x, y: u * u * from.y + 2 * u * t * control.y + t * t * to.y };
}

function cubic(from: Point, c0: Point, c1: Point, to: Point, t: number): Point {
  const u = 1 - t;
  const [a, b, c, d] = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t];
  return { x: a * from.x + b * c0.x + c * c1.x + d * to.x, y: a * from.y + b * c0.y + c * c1.y + d * to.y };
}

/** The path's runs as polygons, or Figma's validation error for data it does not take. */
export function flattenPathData(data: string): Polygon[] {
  if (typeof data !== 'string') refuse('Expected "data" to have type string');
  const tokens = data.trim() === '' ? [] : data.trim().split(' ');
  const polygons: Point[][] = [];
  let run: Point[] | undefined;
  let start: Point = { x: 0, y: 0 };
  let at: Point = { x: 0, y: 0 };
  for (let i = 0; i < tokens.length; ) {
    const command = tokens[i];
    const count = ARGUMENTS[command];
    if (count === undefined) refuse(`Invalid command at ${command}`);
    const values = tokens.slice(i + 1, i + 1 + count).map(Number);
    if (values.length < count || values.some((value) => !Number.isFinite(value))) refuse(`Invalid arguments for ${command}`);
    i += 1 + count;
    const points: Point[] = [];
    for (let p = 0; p < values.length; p += 2) points.push({ x: values[p], y: values[p + 1] });
    if (command === 'M') {
      run = [points[0]];
      polygons.push(run);
      start = at = points[0];
      continue;
    }
    if (!run) refuse('Path must start with M');
    if (command === 'Z') {
      at = start;
      continue;
    }
    const to = points[points.length - 1];
    if (command === 'L') run.push(to);
    for (let step = 1; command !== 'L' && step <= CURVE_STEPS; step++) {
      const t = step / CURVE_STEPS;
      run.push(command === 'Q' ? quadratic(at, points[0], to, t) : cubic(at, points[0], points[1], to, t));
    }
    at = to;
  }
  return polygons;
}

/** How many times the polygons wind around a point, counting direction (each run closed, as a fill closes it). */
function windingNumber(polygons: readonly Polygon[], { x, y }: Point): number {
  let winding = 0;
  for (const polygon of polygons) {
    for (let i = 0; i < polygon.length; i++) {
      const a = polygon[i];
      const b = polygon[(i + 1) % polygon.length];
      if (a.y <= y) {
        if (b.y > y && (b.x - a.x) * (y - a.y) - (x - a.x) * (b.y - a.y) > 0) winding++;
      } else if (b.y <= y && (b.x - a.x) * (y - a.y) - (x - a.x) * (b.y - a.y) < 0) {
        winding--;
      }
    }
  }
  return winding;
}

/** Whether a path's fill covers a node-local point: an open path ("NONE") fills nothing, as in Figma. */
export function pathCovers(path: FlatPath, point: Point): boolean {
  if (path.windingRule === 'NONE') return false;
  const winding = windingNumber(path.polygons, point);
  return path.windingRule === 'EVENODD' ? winding % 2 !== 0 : winding !== 0;
}
