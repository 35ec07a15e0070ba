import { encode } from 'fast-png';
import { decodePngRgba, type Rgba } from '../shared/png-rgba';
import { requestedDimensions, type ImageSize } from '../shared/sizes';

/** For `auto`, the documented 1K size whose shape is closest to the reference's. */
function outputDimensions(size: ImageSize, reference: Rgba): { width: number; height: number } {
  const requested = requestedDimensions(size);
  if (requested) return requested;
  const ratio = reference.width / reference.height;
  if (ratio > 1.2) return { width: 1536, height: 1024 };
  if (ratio < 1 / 1.2) return { width: 1024, height: 1536 };
  return { width: 1024, height: 1024 };
}

const BORDER = 24;

type Rgb = readonly [number, number, number];

/** A PNG inside the demo's striped frame, its inside painted by `inside`. */
function framed(width: number, height: number, inside: (x: number, y: number) => Rgb): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const border = x < BORDER || y < BORDER || x >= width - BORDER || y >= height - BORDER;
      const stripe = Math.floor((x + y) / 16) % 2 === 0;
      const [r, g, b] = border ? (stripe ? [255, 64, 160] : [32, 32, 48]) : inside(x, y);
      out.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  return encode({ width, height, data: out, channels: 4, depth: 8 });
}

/**
 * The demo "edit": the reference scaled to cover the requested size, posterized with its colour
 * channels rotated, inside a striped frame. Deterministic and obviously not AI.
 */
export function demoEdit(reference: Uint8Array, size: ImageSize): Uint8Array {
  const source = decodePngRgba(reference);
  const { width, height } = outputDimensions(size, source);
  const scale = Math.max(width / source.width, height / source.height);
  const offsetX = (source.width * scale - width) / 2;
  const offsetY = (source.height * scale - height) / 2;
  const posterize = (v: number) => Math.round(v / 85) * 85;
  return framed(width, height, (x, y) => {
    const sy = Math.min(source.height - 1, Math.floor((y + offsetY) / scale));
    const sx = Math.min(source.width - 1, Math.floor((x + offsetX) / scale));
    const s = (sy * source.width + sx) * 4;
    const alpha = source.rgba[s + 3] / 255;
    const over = (v: number) => Math.round(v * alpha + 255 * (1 - alpha));
    return [posterize(over(source.rgba[s + 2])), posterize(over(source.rgba[s])), posterize(over(source.rgba[s + 1]))];
  });
}

/** "DEMO" in a 5x7 pixel font, one string per row, glyphs one column apart. */
const DEMO_LETTERS = [
  '11110 11111 10001 01110',
  '10001 10000 11011 10001',
  '10001 10000 10101 10001',
  '10001 11110 10101 10001',
  '10001 10000 10001 10001',
  '10001 10000 10001 10001',
  '11110 11111 10001 01110',
];

/** FNV-1a, so the same prompt always gives the same colours. */
function promptHash(prompt: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < prompt.length; i++) hash = Math.imul(hash ^ prompt.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

function hue(degrees: number): Rgb {
  const channel = (n: number) => {
    const k = (n + degrees / 30) % 12;
    return Math.round(255 * (0.55 - 0.35 * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [channel(0), channel(8), channel(4)];
}

/**
 * The demo "generation": a diagonal gradient between two colours picked by the prompt, with DEMO
 * written across it, inside the demo's striped frame. Deterministic and obviously not AI.
 */
export function demoGeneration(prompt: string, size: ImageSize): Uint8Array {
  const { width, height } = requestedDimensions(size) ?? { width: 1024, height: 1024 };
  const hash = promptHash(prompt);
  const from = hue(hash % 360);
  const to = hue((hash >>> 9) % 360);
  const columns = DEMO_LETTERS[0].length;
  const scale = Math.max(1, Math.floor(Math.min((width * 0.6) / columns, (height * 0.4) / DEMO_LETTERS.length)));
  const left = Math.floor((width - columns * scale) / 2);
  const top = Math.floor((height - DEMO_LETTERS.length * scale) / 2);
  return framed(width, height, (x, y) => {
    const letter = DEMO_LETTERS[Math.floor((y - top) / scale)]?.[Math.floor((x - left) / scale)];
    if (x >= left && y >= top && letter === '1') return [255, 255, 255];
    const t = (x / width + y / height) / 2;
    const mix = (c: number) => Math.round(from[c] * (1 - t) + to[c] * t);
    return [mix(0), mix(1), mix(2)];
  });
}
