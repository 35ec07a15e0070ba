import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { demoEdit, demoGeneration } from '../../relay/demo-image';
import { decodedSize, pixelAt, solidPng } from '../fakes/png';

describe('demo edit', () => {
  const reference = solidPng(300, 200, [10, 200, 90]);

  it('answers at the requested size', () => {
    expect(decodedSize(demoEdit(reference, '1536x1024'))).toEqual({ width: 1536, height: 1024 });
  });

  it('picks a documented size of the reference shape for auto', () => {
    expect(decodedSize(demoEdit(reference, 'auto'))).toEqual({ width: 1536, height: 1024 });
    expect(decodedSize(demoEdit(solidPng(100, 300), 'auto'))).toEqual({ width: 1024, height: 1536 });
  });

  it('visibly transforms the reference, the same way every time', () => {
    const first = demoEdit(reference, '1024x1024');
    expect(demoEdit(reference, '1024x1024')).toEqual(first);
    expect(pixelAt(first, 512, 512)).not.toEqual([10, 200, 90, 255]);
  });
});

describe('demo generation', () => {
  it('answers at the requested size, and 1024x1024 for auto', () => {
    expect(decodedSize(demoGeneration('A lighthouse', '2048x1152'))).toEqual({ width: 2048, height: 1152 });
    expect(decodedSize(demoGeneration('A lighthouse', 'auto'))).toEqual({ width: 1024, height: 1024 });
  });

  it('paints the same picture for the same prompt and another for another prompt', () => {
    const lighthouse = demoGeneration('A lighthouse', '1024x1024');
    expect(demoGeneration('A lighthouse', '1024x1024')).toEqual(lighthouse);
    expect(pixelAt(demoGeneration('A forest', '1024x1024'), 100, 100)).not.toEqual(pixelAt(lighthouse, 100, 100));
  });

  it('writes DEMO in white across the middle, inside the striped demo frame', () => {
    const picture = decode(demoGeneration('A lighthouse', '1024x1024'));
    const whiteIn = (y: number) => Array.from({ length: 1024 }, (_, x) => (y * 1024 + x) * 4).filter((at) => picture.data[at] === 255 && picture.data[at + 1] === 255 && picture.data[at + 2] === 255).length;
    expect(whiteIn(512)).toBeGreaterThan(100);
    expect(whiteIn(100)).toBe(0);
    expect(Array.from(picture.data.slice(0, 4))).toEqual(pixelAt(demoEdit(solidPng(8, 8), '1024x1024'), 0, 0));
  });
});
