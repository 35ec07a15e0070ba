/**
 * The boxes of a region edit. Canvas boxes are in Figma units on the page; pixel boxes are whole
 * pixels of the layer's export, whose top-left pixel is (0, 0): the crop, the mask and the answer
 * all land there, so every step lines up to the pixel.
 */

export interface PixelPoint {
  x: number;
  y: number;
}

export interface PixelBox extends PixelPoint {
  width: number;
  height: number;
}

interface CanvasBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The feather's range in Settings: 0 is a hard edge; past 32 px the seam spreads over much of a small shape. */
export const MAX_FEATHER_PX = 32;

/** How much of the layer around the shape the model sees, as a share of the shape's longer side. */
const CONTEXT_SHARE = 0.25;
/** However small the shape, this much context on each side. */
const MIN_CONTEXT_PX = 32;

/** The area two canvas boxes share (0 when they only touch). */
export function overlapArea(a: CanvasBox, b: CanvasBox): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

/** Where a node exported at `scale` lands in the layer's export: both are exported from their render bounds' top-left. */
export function offsetInLayer(layerBounds: CanvasBox, nodeBounds: CanvasBox, scale: number): PixelPoint {
  return { x: Math.round((nodeBounds.x - layerBounds.x) * scale), y: Math.round((nodeBounds.y - layerBounds.y) * scale) };
}

/** The box clamped to the layer's export; empty (zero width or height) when it lies outside. */
export function clampedTo(layer: { width: number; height: number }, box: PixelBox): PixelBox {
  const x = Math.min(layer.width, Math.max(0, box.x));
  const y = Math.min(layer.height, Math.max(0, box.y));
  const right = Math.min(layer.width, Math.max(x, box.x + box.width));
  const bottom = Math.min(layer.height, Math.max(y, box.y + box.height));
  return { x, y, width: right - x, height: bottom - y };
}

/** The context kept around a mask: a quarter of its longer side, at least 32 px. */
export function contextMargin(mask: { width: number; height: number }): number {
  return Math.max(MIN_CONTEXT_PX, Math.round(Math.max(mask.width, mask.height) * CONTEXT_SHARE));
}

/**
 * What is sent to the model: the shape's box with context on every side, within the layer, so the
 * model sees what surrounds the change and the answer is no larger than it needs to be.
 */
export function cropBox(layer: { width: number; height: number }, mask: PixelBox): PixelBox {
  const margin = contextMargin(mask);
  return clampedTo(layer, { x: mask.x - margin, y: mask.y - margin, width: mask.width + 2 * margin, height: mask.height + 2 * margin });
}

/**
 * Where a shape's feathered mask can change the layer: the shape's box grown by the feather on
 * every side, within the crop. Every pixel outside it is farther than the feather from the shape,
 * so the composite keeps the layer's own pixels there without looking.
 */
export function maskReach(shape: PixelBox, crop: PixelBox, featherPx: number): PixelBox {
  const x = Math.max(crop.x, shape.x - featherPx);
  const y = Math.max(crop.y, shape.y - featherPx);
  const right = Math.min(crop.x + crop.width, shape.x + shape.width + featherPx);
  const bottom = Math.min(crop.y + crop.height, shape.y + shape.height + featherPx);
  return { x, y, width: Math.max(0, right - x), height: Math.max(0, bottom - y) };
}
