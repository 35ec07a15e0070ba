/**
 * Figma's 2×3 transforms ([[m00, m01, m02], [m10, m11, m12]]): a node's local point (u, v) lands
 * at (m00·u + m01·v + m02, m10·u + m11·v + m12) in its container. Rotation is in degrees,
 * counter-clockwise on screen, about the node's top-left corner, as Figma's `rotation` is.
 */

export interface Point {
  x: number;
  y: number;
}

export const IDENTITY: Transform = [
  [1, 0, 0],
  [0, 1, 0],
];

/** The transform of a node at (x, y) turned by `rotation` degrees. */
export function placement(x: number, y: number, rotation: number): Transform {
  const radians = (rotation * Math.PI) / 180;
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  return [
    [cos, sin, x],
    [-sin, cos, y],
  ];
}

/** `outer` after `inner`: a point mapped by inner, then by outer. */
export function multiply(outer: Transform, inner: Transform): Transform {
  const [[a, b, c], [d, e, f]] = outer;
  const [[g, h, i], [j, k, l]] = inner;
  return [
    [a * g + b * j, a * h + b * k, a * i + b * l + c],
    [d * g + e * j, d * h + e * k, d * i + e * l + f],
  ];
}

export function invert([[a, b, c], [d, e, f]]: Transform): Transform {
  const det = a * e - b * d;
  return [
    [e / det, -b / det, (b * f - c * e) / det],
    [-d / det, a / det, (c * d - a * f) / det],
  ];
}

export function apply([[a, b, c], [d, e, f]]: Transform, x: number, y: number): Point {
  return { x: a * x + b * y + c, y: d * x + e * y + f };
}

/** Rotation in degrees from -180 to 180, as Figma reports it. */
export function normalizedRotation(degrees: number): number {
  const turned = ((((degrees + 180) % 360) + 360) % 360) - 180;
  return turned === -180 ? 180 : turned;
}

/** The axis-aligned box around a local rectangle once transformed. */
export function boundsOf(transform: Transform, box: Rect): Rect {
  const corners = [
    apply(transform, box.x, box.y),
    apply(transform, box.x + box.width, box.y),
    apply(transform, box.x, box.y + box.height),
    apply(transform, box.x + box.width, box.y + box.height),
  ];
  return union(corners.map(({ x, y }) => ({ x, y, width: 0, height: 0 })));
}

/** The smallest box holding every box. */
export function union(boxes: readonly Rect[]): Rect {
  const left = Math.min(...boxes.map((b) => b.x));
  const top = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** A box grown by `by` on every side (shrunk for a negative `by`) and moved by `offset`. */
export function grown(box: Rect, by: number, offset: Point = { x: 0, y: 0 }): Rect {
  return { x: box.x - by + offset.x, y: box.y - by + offset.y, width: Math.max(0, box.width + 2 * by), height: Math.max(0, box.height + 2 * by) };
}
