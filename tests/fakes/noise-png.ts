import { encode } from 'fast-png';

/**
 * A real RGB PNG that does not compress: seeded noise, so every run sends the same bytes. Stored
 * without deflate so making a 10 MB one takes milliseconds, not seconds.
 */
export function noisePng(width: number, height: number, seed = 1): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    // xorshift32: fast, repeatable, good enough to defeat compression.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    data[i] = state & 0xff;
  }
  return encode({ width, height, data, channels: 3, depth: 8 }, { zlib: { level: 0 } });
}

/** A square noise PNG of about `bytes` bytes. */
export function noisePngOfAbout(bytes: number, seed = 1): Uint8Array {
  const side = Math.max(1, Math.round(Math.sqrt(bytes / 3)));
  return noisePng(side, side, seed);
}
