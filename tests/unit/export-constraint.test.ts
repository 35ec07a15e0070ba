import { describe, expect, it } from 'vitest';
import { exportScale } from '../../plugin/export-constraint';

describe('reference export scale', () => {
  it('exports at 1x when the layer fits in 2048 px', () => {
    expect(exportScale(1440, 900)).toBe(1);
    expect(exportScale(2048, 2048)).toBe(1);
  });

  it('scales a large layer down so its longest side is 2048 px', () => {
    expect(exportScale(8000, 1000) * 8000).toBe(2048);
    expect(exportScale(1000, 4096) * 4096).toBe(2048);
  });
});
