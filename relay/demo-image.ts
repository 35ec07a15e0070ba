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
  const out = new Uint8Array(width * height * 4);
  const posterize = (v: number) => Math.round(v / 85) * 85;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(source.height - 1, Math.floor((y + offsetY) / scale));
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      if (x < BORDER || y < BORDER || x >= width - BORDER || y >= height - BORDER) {
        const stripe = Math.floor((x + y) / 16) % 2 === 0;
        out.set(stripe ? [255, 64, 160, 255] : [32, 32, 48, 255], o);
        continue;
      }
      const sx = Math.min(source.width - 1, Math.floor((x + offsetX) / scale));
      const s = (sy * source.width + sx) * 4;
      const alpha = source.rgba[s + 3] / 255;
      const over = (v: number) => Math.round(v * alpha + 255 * (1 - alpha));
      out.set([posterize(over(source.rgba[s + 2])), posterize(over(source.rgba[s])), posterize(over(source.rgba[s + 1])), 255], o);
    }
  }
  return encode({ width, height, data: out, channels: 4, depth: 8 });
}
