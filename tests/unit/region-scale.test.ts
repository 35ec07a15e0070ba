import { describe, expect, it } from 'vitest';
import { scaleQuality } from '../../ui/region-canvas';

describe('how a region edit’s answer is scaled to the crop', () => {
  it('enlarges bilinear (cheap, and looks the same at 2×) and shrinks with the cubic filter, which does not alias', () => {
    expect(scaleQuality({ width: 1024, height: 1024 }, { x: 0, y: 0, width: 2048, height: 2048 })).toBe('low');
    expect(scaleQuality({ width: 1024, height: 1024 }, { x: 5, y: 9, width: 1024, height: 1024 })).toBe('low');
    expect(scaleQuality({ width: 1536, height: 1024 }, { x: 0, y: 0, width: 1500, height: 1100 })).toBe('high');
    expect(scaleQuality({ width: 1024, height: 1024 }, { x: 0, y: 0, width: 576, height: 576 })).toBe('high');
  });
});
