import { encode } from 'fast-png';

/**
 * A real PNG of about `bytes` bytes that does not compress: seeded noise, so every run sends the
 * same bytes. Stored without deflate so making a 10 MB one takes milliseconds, not seconds.
 */
export function noisePng(bytes: number, seed = 1): Uint8Array {
  const side = Math.max(1, Math.round(Math.sqrt(bytes / 3)));
  const data = new Uint8Array(side * side * 3);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    // xorshift32: fast, repeatable, good enough to defeat compression.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    data[i] = state & 0xff;
  }
  return encode({ width: side, height: side, data, channels: 3, depth: 8 }, { zlib: { level: 0 } });
}
