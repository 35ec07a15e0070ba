import { encode } from 'fast-png';

/**
 * A PNG that compresses about as a generated photo does: smooth colour fields with a fine grain,
 * deflated. Much smaller than noise of the same size, so it shows how the path scales with bytes.
 */
export function photoLikePng(width: number, height: number, seed = 1): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  let state = seed >>> 0 || 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const grain = (state & 0xff) % 4;
      const u = x / width;
      const v = y / height;
      const at = (y * width + x) * 3;
      data[at] = 128 + 100 * Math.sin(6 * u + 2 * v) + grain;
      data[at + 1] = 128 + 90 * Math.sin(4 * v - 3 * u + 1) + grain;
      data[at + 2] = 128 + 80 * Math.cos(5 * u * v + 2) + grain;
    }
  }
  return encode({ width, height, data, channels: 3, depth: 8 });
}
