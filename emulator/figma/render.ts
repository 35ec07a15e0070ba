import type { Rgba } from '../../shared/png-rgba';

/** What the renderer needs of a node: its box relative to its parent, its paints and children. */
export interface RenderableNode {
  readonly type: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly fills: readonly Paint[] | PluginAPI['mixed'];
  readonly visible: boolean;
  readonly children?: readonly RenderableNode[];
}

/** Finds the decoded pixels of an image fill by its hash. */
export type ImageLookup = (hash: string) => Rgba | undefined;

/** Decodes an image fill's pixels by its hash, when they are first needed; undefined for one that is missing or cannot be decoded. */
export type ImageSource = (hash: string) => Promise<Rgba | undefined>;

type Colour = [number, number, number, number];
interface Clip {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

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
      colour = imageColour(paint, paint.imageHash ? images(paint.imageHash) : undefined, x, y, width, height);
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

function drawNode(target: Rgba, node: RenderableNode, originX: number, originY: number, scale: number, clip: Clip, images: ImageLookup): void {
  if (!node.visible) return;
  const left = originX * scale;
  const top = originY * scale;
  const own: Clip = {
    x0: Math.max(clip.x0, Math.floor(left)),
    y0: Math.max(clip.y0, Math.floor(top)),
    x1: Math.min(clip.x1, Math.ceil(left + node.width * scale)),
    y1: Math.min(clip.y1, Math.ceil(top + node.height * scale)),
  };
  const fills = Array.isArray(node.fills) ? (node.fills as readonly Paint[]).filter((paint) => paint.visible !== false) : [];
  for (let py = own.y0; py < own.y1; py++) {
    const y = (py + 0.5) / scale - originY;
    if (y < 0 || y >= node.height) continue;
    for (let px = own.x0; px < own.x1; px++) {
      const x = (px + 0.5) / scale - originX;
      if (x < 0 || x >= node.width) continue;
      if (node.type === 'ELLIPSE' && ((x / node.width - 0.5) ** 2 + (y / node.height - 0.5) ** 2) * 4 > 1) continue;
      const at = (py * target.width + px) * 4;
      for (const paint of fills) blendOver(target.rgba, at, paintColour(paint, images, x, y, node.width, node.height));
    }
  }
  // Frames clip their content, as Figma's default "Clip content" does.
  const childClip = node.type === 'FRAME' ? own : clip;
  for (const child of node.children ?? []) drawNode(target, child, originX + child.x, originY + child.y, scale, childClip, images);
}

/** The node and its children as pixels, `scale` device pixels per canvas unit. */
export function renderNode(node: RenderableNode, scale: number, images: ImageLookup): Rgba {
  const width = Math.max(1, Math.round(node.width * scale));
  const height = Math.max(1, Math.round(node.height * scale));
  const target: Rgba = { width, height, rgba: new Uint8Array(width * height * 4) };
  drawNode(target, node, 0, 0, scale, { x0: 0, y0: 0, x1: width, y1: height }, images);
  return target;
}

function imageHashes(node: RenderableNode, into: Set<string>): Set<string> {
  if (Array.isArray(node.fills)) for (const paint of node.fills as readonly Paint[]) if (paint.type === 'IMAGE' && paint.imageHash) into.add(paint.imageHash);
  for (const child of node.children ?? []) imageHashes(child, into);
  return into;
}

/** The decoded pixels of every image the node and its children show, for renderNode. */
export async function imagesOf(node: RenderableNode, source: ImageSource): Promise<ImageLookup> {
  const decoded = await Promise.all([...imageHashes(node, new Set())].map(async (hash) => [hash, await source(hash)] as const));
  const pixels = new Map(decoded);
  return (hash) => pixels.get(hash);
}
