import { decode, encode } from 'fast-png';

/** A real PNG of the given size, filled with one colour. */
export function solidPng(width: number, height: number, rgb: readonly [number, number, number] = [40, 120, 200]): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  data.set([rgb[0], rgb[1], rgb[2], 255]);
  // Doubling copies: a pixel-by-pixel loop blocks the event loop for a large image, and the fake
  // provider runs in the test's own process.
  for (let filled = 4; filled < data.length; filled *= 2) data.copyWithin(filled, 0, filled);
  return encode({ width, height, data, channels: 4, depth: 8 });
}

export function decodedSize(bytes: Uint8Array): { width: number; height: number } {
  const { width, height } = decode(bytes);
  return { width, height };
}

export function pixelAt(bytes: Uint8Array, x: number, y: number): number[] {
  const png = decode(bytes);
  const at = (y * png.width + x) * png.channels;
  return Array.from(png.data.slice(at, at + png.channels));
}
