import type { Rgba } from '../../shared/png-rgba';
import { apply, boundsOf, grown, invert, type Point } from './geometry';
import { type FlatPath, pathCovers } from './vector-path';

/** What the renderer needs of a node: its size and place on the page, what it paints, its children. */
export interface RenderableNode {
  readonly type: string;
  readonly width: number;
  readonly height: number;
  readonly visible: boolean;
  readonly absoluteTransform: Transform;
  readonly fills?: readonly Paint[] | PluginAPI['mixed'];
  readonly drawnEffects: readonly Effect[];
  readonly clips?: boolean;
  readonly children?: readonly RenderableNode[];
  readonly characters?: string;
  readonly fontSize?: number;
  /** A vector's paths, flattened; what they enclose is all a vector paints. */
  readonly flatPaths?: readonly FlatPath[];
}

/** The decoded pixels of image fills by their hash (undefined for one that is missing or cannot be decoded). */
export type ImageLookup = ReadonlyMap<string, Rgba | undefined>;

/** Decodes an image fill's pixels by its hash, when they are first needed; undefined for one that is missing or cannot be decoded. */
export type ImageSource = (hash: string) => Promise<Rgba | undefined>;

type Colour = [number, number, number, number];

const TRANSPARENT: Colour = [0, 0, 0, 0];

function stopColour(stops: readonly ColorStop[], t: number): Colour {
  const at = Math.min(1, Math.max(0, t));
  let previous = stops[0];
  for (const stop of stops) {
    if (stop.position >= at) {
      const span = stop.position - previous.position;
      const k = span > 0 ? (at - previous.position) / span : 0;
      const mix = (a: number, b: number) => a + (b - a) * k;
      const { color: c0 } = previous;
      const { color: c1 } = stop;
      return [mix(c0.r, c1.r) * 255, mix(c0.g, c1.g) * 255, mix(c0.b, c1.b) * 255, mix(c0.a, c1.a) * 255];
    }
    previous = stop;
  }
  const { color } = stops[stops.length - 1];
  return [color.r * 255, color.g * 255, color.b * 255, color.a * 255];
}

function imageColour(paint: ImagePaint, image: Rgba | undefined, x: number, y: number, width: number, height: number): Colour {
  if (!image) return TRANSPARENT;
  const scaleX = width / image.width;
  const scaleY = height / image.height;
  const fit = paint.scaleMode === 'FIT' ? Math.min(scaleX, scaleY) : Math.max(scaleX, scaleY);
  const [sx, sy] = paint.scaleMode === 'CROP' ? [scaleX, scaleY] : [fit, fit];
  const ix = Math.floor((x - (width - image.width * sx) / 2) / sx);
  const iy = Math.floor((y - (height - image.height * sy) / 2) / sy);
  if (ix < 0 || iy < 0 || ix >= image.width || iy >= image.height) return TRANSPARENT;
  const at = (iy * image.width + ix) * 4;
  const { rgba } = image;
  return [rgba[at], rgba[at + 1], rgba[at + 2], rgba[at + 3]];
}

/** The paint's colour at node-local (x, y); gradients use Figma's transform from the node's unit square. */
function paintColour(paint: Paint, images: ImageLookup, x: number, y: number, width: number, height: number): Colour {
  const u = x / width;
  const v = y / height;
  const opacity = paint.opacity ?? 1;
  let colour: Colour;
  switch (paint.type) {
    case 'SOLID':
      colour = [paint.color.r * 255, paint.color.g * 255, paint.color.b * 255, 255];
      break;
    case 'GRADIENT_LINEAR':
    case 'GRADIENT_RADIAL':
    case 'GRADIENT_ANGULAR':
    case 'GRADIENT_DIAMOND': {
      const [[a, b, c], [d, e, f]] = paint.gradientTransform;
      const gx = a * u + b * v + c;
      const gy = d * u + e * v + f;
      const t = paint.type === 'GRADIENT_LINEAR' ? gx : Math.hypot(gx - 0.5, gy - 0.5) * 2;
      colour = stopColour(paint.gradientStops, t);
      break;
    }
    case 'IMAGE':
      colour = imageColour(paint, paint.imageHash ? images.get(paint.imageHash) : undefined, x, y, width, height);
      break;
    default:
      return TRANSPARENT;
  }
  colour[3] *= opacity;
  return colour;
}

function blendOver(target: Uint8Array, at: number, [r, g, b, a]: Colour): void {
  const alpha = a / 255;
  if (alpha <= 0) return;
  const below = (target[at + 3] / 255) * (1 - alpha);
  const out = alpha + below;
  target[at] = Math.round((r * alpha + target[at] * below) / out);
  target[at + 1] = Math.round((g * alpha + target[at + 1] * below) / out);
  target[at + 2] = Math.round((b * alpha + target[at + 2] * below) / out);
  target[at + 3] = Math.round(out * 255);
}

/** Where the output's pixels lie on the page. */
interface Frame {
  target: Rgba;
  region: Rect;
  scale: number;
}

/** A node's local shape: its box, an ellipse's oval, a vector's paths, a text's lines as bars (no fonts here). */
function covers(node: RenderableNode, { x, y }: Point, spread = 0): boolean {
  if (x < -spread || y < -spread || x >= node.width + spread || y >= node.height + spread) return false;
  if (node.type === 'ELLIPSE') {
    const rx = node.width / 2 + spread;
    const ry = node.height / 2 + spread;
    return ((x - node.width / 2) / rx) ** 2 + ((y - node.height / 2) / ry) ** 2 <= 1;
  }
  if (node.type === 'TEXT') return textCovers(node, x, y);
  // A vector's shadow spread is left out: the paths are not grown.
  if (node.type === 'VECTOR') return (node.flatPaths ?? []).some((path) => pathCovers(path, { x, y }));
  return true;
}

function textCovers(node: RenderableNode, x: number, y: number): boolean {
  const size = node.fontSize ?? 12;
  const lineHeight = size * 1.2;
  const line = Math.floor(y / lineHeight);
  const within = y - line * lineHeight;
  if (within < size * 0.3 || within > size * 0.9) return false;
  const perLine = Math.max(1, Math.floor(node.width / (size * 0.55)));
  const lines = (node.characters ?? '').split('\n').flatMap((text) => {
    const out: number[] = [];
    for (let left = text.length; left > 0; left -= perLine) out.push(Math.min(left, perLine));
    return out.length > 0 ? out : [0];
  });
  return line < lines.length && x < lines[line] * size * 0.55;
}

/** A clip: the inverse transform of a clipping frame and the frame, to test a page point against. */
interface Clip {
  inverse: Transform;
  node: RenderableNode;
}

function pageOfPixel({ region, scale }: Frame, px: number, py: number): Point {
  return { x: region.x + (px + 0.5) / scale, y: region.y + (py + 0.5) / scale };
}

function insideClips(clips: readonly Clip[], point: Point): boolean {
  return clips.every((clip) => covers(clip.node, apply(clip.inverse, point.x, point.y)));
}

/** The output pixels a page box touches, within the output. */
function pixelsOf({ target, region, scale }: Frame, box: Rect): { x0: number; y0: number; x1: number; y1: number } {
  return {
    x0: Math.max(0, Math.floor((box.x - region.x) * scale)),
    y0: Math.max(0, Math.floor((box.y - region.y) * scale)),
    x1: Math.min(target.width, Math.ceil((box.x + box.width - region.x) * scale)),
    y1: Math.min(target.height, Math.ceil((box.y + box.height - region.y) * scale)),
  };
}

function pageBox(node: RenderableNode): Rect {
  return boundsOf(node.absoluteTransform, { x: 0, y: 0, width: node.width, height: node.height });
}

/** Whether the node, or for a group any layer in it, paints at a page point. */
function shapeAt(node: RenderableNode, point: Point, spread: number): boolean {
  if (node.type === 'GROUP') return (node.children ?? []).some((child) => child.visible && shapeAt(child, point, spread));
  return covers(node, apply(invert(node.absoluteTransform), point.x, point.y), spread);
}

/** Spreads a mask over about `radius` pixels: three box blurs, close to the Gaussian blur Figma draws shadows with. */
function blurred(mask: Float32Array, width: number, height: number, radius: number): Float32Array {
  const half = Math.round(radius / 2);
  if (half < 1) return mask;
  let current = mask;
  for (let pass = 0; pass < 3; pass++) {
    for (const horizontal of [true, false]) {
      const next = new Float32Array(current.length);
      const [lines, length] = horizontal ? [height, width] : [width, height];
      for (let line = 0; line < lines; line++) {
        const at = (i: number) => (horizontal ? line * width + i : i * width + line);
        let sum = 0;
        for (let i = -half; i <= half; i++) if (i >= 0 && i < length) sum += current[at(i)];
        for (let i = 0; i < length; i++) {
          next[at(i)] = sum / (2 * half + 1);
          const leaving = i - half;
          const entering = i + half + 1;
          if (leaving >= 0) sum -= current[at(leaving)];
          if (entering < length) sum += current[at(entering)];
        }
      }
      current = next;
    }
  }
  return current;
}

function drawShadow(frame: Frame, node: RenderableNode, shadow: DropShadowEffect, clips: readonly Clip[]): void {
  const spread = shadow.spread ?? 0;
  const area = pixelsOf(frame, grown(pageBox(node), spread + shadow.radius, shadow.offset));
  const width = area.x1 - area.x0;
  const height = area.y1 - area.y0;
  if (width <= 0 || height <= 0) return;
  const mask = new Float32Array(width * height);
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      const point = pageOfPixel(frame, area.x0 + px, area.y0 + py);
      mask[py * width + px] = shapeAt(node, { x: point.x - shadow.offset.x, y: point.y - shadow.offset.y }, spread) ? 1 : 0;
    }
  }
  const soft = blurred(mask, width, height, shadow.radius * frame.scale);
  const { r, g, b, a } = shadow.color;
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      const strength = soft[py * width + px];
      if (strength <= 0 || !insideClips(clips, pageOfPixel(frame, area.x0 + px, area.y0 + py))) continue;
      blendOver(frame.target.rgba, ((area.y0 + py) * frame.target.width + area.x0 + px) * 4, [r * 255, g * 255, b * 255, a * 255 * strength]);
    }
  }
}

function drawNode(frame: Frame, node: RenderableNode, clips: readonly Clip[], images: ImageLookup): void {
  if (!node.visible) return;
  for (const effect of node.drawnEffects) if (effect.type === 'DROP_SHADOW' && effect.visible !== false) drawShadow(frame, node, effect, clips);
  const inverse = invert(node.absoluteTransform);
  const fills = Array.isArray(node.fills) ? (node.fills as readonly Paint[]).filter((paint) => paint.visible !== false) : [];
  if (fills.length > 0) {
    const area = pixelsOf(frame, pageBox(node));
    for (let py = area.y0; py < area.y1; py++) {
      for (let px = area.x0; px < area.x1; px++) {
        const point = pageOfPixel(frame, px, py);
        const local = apply(inverse, point.x, point.y);
        if (!covers(node, local) || !insideClips(clips, point)) continue;
        const at = (py * frame.target.width + px) * 4;
        for (const paint of fills) blendOver(frame.target.rgba, at, paintColour(paint, images, local.x, local.y, node.width, node.height));
      }
    }
  }
  const childClips = node.clips ? [...clips, { inverse, node }] : clips;
  for (const child of node.children ?? []) drawNode(frame, child, childClips, images);
}

/**
 * The node as plain data, as renderRegion reads it: what a worker can be sent (a node of the
 * emulator's document is a class with getters, and mixed fills are a symbol).
 */
export function renderableCopy(node: RenderableNode): RenderableNode {
  return {
    type: node.type,
    width: node.width,
    height: node.height,
    visible: node.visible,
    absoluteTransform: node.absoluteTransform,
    fills: Array.isArray(node.fills) ? node.fills : undefined,
    drawnEffects: node.drawnEffects,
    clips: node.clips,
    children: node.children?.map(renderableCopy),
    characters: node.characters,
    fontSize: node.fontSize,
    flatPaths: node.flatPaths,
  };
}

/** What the node shows within a region of the page, `scale` device pixels per canvas unit. */
export function renderRegion(node: RenderableNode, region: Rect, scale: number, images: ImageLookup): Rgba {
  const width = Math.max(1, Math.round(region.width * scale));
  const height = Math.max(1, Math.round(region.height * scale));
  const target: Rgba = { width, height, rgba: new Uint8Array(width * height * 4) };
  drawNode({ target, region, scale }, node, [], images);
  return target;
}

function imageHashes(node: RenderableNode, into: Set<string>): Set<string> {
  if (Array.isArray(node.fills)) for (const paint of node.fills as readonly Paint[]) if (paint.type === 'IMAGE' && paint.imageHash) into.add(paint.imageHash);
  for (const child of node.children ?? []) imageHashes(child, into);
  return into;
}

/** The decoded pixels of every image the node and its children show, for renderRegion. */
export async function imagesOf(node: RenderableNode, source: ImageSource): Promise<ImageLookup> {
  return new Map(await Promise.all([...imageHashes(node, new Set())].map(async (hash) => [hash, await source(hash)] as const)));
}
