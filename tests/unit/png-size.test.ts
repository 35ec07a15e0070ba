import { describe, expect, it } from 'vitest';
import { isPng, readPngSize } from '../../shared/png-size';
import { solidPng } from '../fakes/png';

describe('PNG header reading', () => {
  it('reads width and height from a real PNG', () => {
    expect(readPngSize(solidPng(37, 211))).toEqual({ width: 37, height: 211 });
  });

  it('rejects bytes that are not a PNG', () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new Array(40).fill(0)]);
    expect(isPng(jpeg)).toBe(false);
    expect(readPngSize(jpeg)).toBeUndefined();
  });

  it('rejects a PNG cut off before its header ends', () => {
    expect(readPngSize(solidPng(10, 10).slice(0, 20))).toBeUndefined();
  });

  it('reads a PNG that sits inside a larger buffer', () => {
    const png = solidPng(5, 6);
    const padded = new Uint8Array(png.length + 8);
    padded.set(png, 8);
    expect(readPngSize(padded.subarray(8))).toEqual({ width: 5, height: 6 });
  });
});
