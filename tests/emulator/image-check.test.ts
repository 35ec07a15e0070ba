import { describe, expect, it } from 'vitest';
import { acceptedImageSize } from '../../emulator/figma/image-check';
import { solidPng } from '../fakes/png';

describe("the emulator's createImage checks", () => {
  it('takes a whole PNG and reads its size from the header', () => {
    expect(acceptedImageSize(solidPng(300, 200))).toEqual({ width: 300, height: 200 });
  });

  it('refuses bytes that are not an image', () => {
    expect(() => acceptedImageSize(new TextEncoder().encode('<html>Bad gateway</html>'))).toThrow('Image type is unsupported');
  });

  it('refuses an image over 4096 px on a side', () => {
    expect(() => acceptedImageSize(solidPng(4100, 10))).toThrow(/4100×10 exceeds 4096×4096/);
  });

  it('refuses a PNG cut off in the middle of its data', () => {
    const png = solidPng(64, 64);
    expect(() => acceptedImageSize(png.slice(0, png.length - 20))).toThrow('Image is corrupt or truncated');
  });

  it('refuses a PNG whose chunks are garbled after a valid header', () => {
    const png = solidPng(64, 64);
    png.fill(0xff, 33, 41); // the length and type of the chunk after IHDR
    expect(() => acceptedImageSize(png)).toThrow('Image is corrupt or truncated');
  });
});
