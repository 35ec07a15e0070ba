import { describe, expect, it } from 'vitest';
import { IMAGE_SIZES, isImageSize, requestedDimensions, sizeLabel, sizeText, sizeUse } from '../../shared/sizes';

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

  it('reads the requested pixels of a size, none for auto', () => {
    expect(requestedDimensions('2160x3840')).toEqual({ width: 2160, height: 3840 });
    expect(requestedDimensions('auto')).toBeUndefined();
  });
});
