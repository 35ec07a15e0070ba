import { describe, expect, it } from 'vitest';
import { closestSize, IMAGE_SIZES, isImageSize, requestedDimensions, sizeFor, sizeLabel, sizeText, sizeUse } from '../../shared/sizes';

describe('image sizes', () => {
  it('lists exactly the ten sizes LLMEasy documents, in its order', () => {
    expect(IMAGE_SIZES.map((s) => s.value)).toEqual([
      'auto', '1024x1024', '1536x1024', '1024x1536', '1536x1152', '1152x1536', '2048x2048', '2048x1152', '3840x2160', '2160x3840',
    ]);
  });

  it('labels each size with its pixels and ratio, short enough for the panel, and keeps its use for the tooltip', () => {
    const labels = IMAGE_SIZES.map(sizeLabel);
    expect(labels).toContain('1536×1024 · 3:2');
    expect(labels).toContain('3840×2160 · 16:9');
    expect(labels[0]).toBe('Auto');
    expect(Math.max(...labels.map((label) => label.length))).toBeLessThanOrEqual(16);
    expect(sizeUse('3840x2160')).toBe('4K landscape');
    expect(sizeText('2160x3840')).toBe('2160×3840');
  });

  it('accepts only documented sizes', () => {
    expect(isImageSize('1536x1152')).toBe(true);
    expect(isImageSize('512x512')).toBe(false);
    expect(isImageSize(undefined)).toBe(false);
  });

  it('finds the size whose ratio is closest to a layer’s, the smaller of two with the same ratio', () => {
    expect(closestSize({ width: 1200, height: 400 })).toBe('2048x1152');
    expect(closestSize({ width: 540, height: 300 })).toBe('2048x1152');
    expect(closestSize({ width: 160, height: 160 })).toBe('1024x1024');
    expect(closestSize({ width: 320, height: 400 })).toBe('1152x1536');
    expect(closestSize({ width: 1450, height: 1000 })).toBe('1536x1024');
    expect(closestSize({ width: 1300, height: 1000 })).toBe('1536x1152');
    expect(closestSize({ width: 390, height: 844 })).toBe('2160x3840');
    expect(closestSize({ width: 0, height: 100 })).toBe('1024x1024');
  });

  it('uses the designer’s size once picked, else the one closest to the largest selected layer, else the default', () => {
    const banner = { width: 1200, height: 400 };
    const logo = { width: 160, height: 160 };
    expect(sizeFor({ size: '1024x1536', sizeChosen: true }, [banner])).toBe('1024x1536');
    expect(sizeFor({ size: '1024x1536', sizeChosen: false }, [logo, banner])).toBe('2048x1152');
    expect(sizeFor({ size: '1024x1536', sizeChosen: false }, [])).toBe('1024x1024');
  });

  it('reads the requested pixels of a size, none for auto', () => {
    expect(requestedDimensions('2160x3840')).toEqual({ width: 2160, height: 3840 });
    expect(requestedDimensions('auto')).toBeUndefined();
  });
});
