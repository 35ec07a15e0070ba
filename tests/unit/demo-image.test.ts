import { describe, expect, it } from 'vitest';
import { demoEdit } from '../../relay/demo-image';
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
