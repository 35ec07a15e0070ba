import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, mergeSettings } from '../../plugin/settings';

describe('settings merging', () => {
  it('gives the defaults when nothing is stored', () => {
    expect(mergeSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS.relayUrl).toBe('http://localhost:8787');
  });

  it('keeps stored values over the defaults', () => {
    const stored = { relayUrl: 'https://relay.team.example', accessToken: 'rt_abc', size: '2048x1152', sizeChosen: true, variants: 1, batchVariants: 6, featherPx: 8 };
    expect(mergeSettings(stored)).toEqual(stored);
    expect(mergeSettings({ ...stored, size: '1024x1024', sizeChosen: false })).toMatchObject({ size: '1024x1024', sizeChosen: false });
  });

  it('starts with no size picked, and 4 variants for "Generate variants"', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({ size: '1024x1024', sizeChosen: false, variants: 1, batchVariants: 4 });
  });

  it('reads settings stored before the size choice was remembered: a size other than the default was picked', () => {
    expect(mergeSettings({ relayUrl: 'https://relay.team.example', accessToken: '', size: '2048x1152', variants: 6 })).toMatchObject({
      size: '2048x1152', sizeChosen: true, variants: 6, batchVariants: 6,
    });
    expect(mergeSettings({ relayUrl: 'https://relay.team.example', accessToken: '', size: '1024x1024', variants: 1 })).toMatchObject({
      size: '1024x1024', sizeChosen: false, batchVariants: 4,
    });
  });

  it('softens a region edit’s seam over 4 px until the designer picks 0 to 32', () => {
    expect(DEFAULT_SETTINGS.featherPx).toBe(4);
    expect(mergeSettings({ featherPx: 0 }).featherPx).toBe(0);
    for (const featherPx of [-1, 33, 2.5, '6']) expect(mergeSettings({ featherPx }).featherPx).toBe(4);
  });

  it('replaces values of the wrong shape with defaults and keeps the rest', () => {
    expect(mergeSettings({ relayUrl: 42, accessToken: 'rt_abc', size: '999x1', sizeChosen: true, variants: 9, batchVariants: 1 })).toEqual({
      ...DEFAULT_SETTINGS, accessToken: 'rt_abc',
    });
  });
});
