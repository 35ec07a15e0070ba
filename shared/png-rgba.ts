import { decode } from 'fast-png';

/** Decoded pixels, 8-bit RGBA row by row. */
export interface Rgba {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** Decodes any PNG (grey, RGB, RGBA, 8 or 16 bit, indexed) to 8-bit RGBA; throws on a corrupt one. */
export function decodePngRgba(bytes: Uint8Array): Rgba {
  const png = decode(bytes);
  const { width, height, channels, palette } = png;
  const shift = png.depth === 16 ? 8 : 0;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    let r: number, g: number, b: number, a: number;
    if (palette) {
      const entry = palette[png.data[i]] ?? [0, 0, 0, 255];
      [r, g, b] = entry;
      a = entry[3] ?? 255;
    } else {
      const at = i * channels;
      const sample = (c: number) => png.data[at + c] >> shift;
      const grey = channels <= 2;
      r = sample(0);
      g = grey ? r : sample(1);
      b = grey ? r : sample(2);
      a = channels === 2 ? sample(1) : channels === 4 ? sample(3) : 255;
    }
    rgba.set([r, g, b, a], i * 4);
  }
  return { width, height, rgba };
}
