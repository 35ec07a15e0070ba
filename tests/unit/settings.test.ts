import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, mergeSettings } from '../../plugin/settings';

describe('settings merging', () => {
  it('gives the defaults when nothing is stored', () => {
    expect(mergeSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS.relayUrl).toBe('http://localhost:8787');
  });

  it('keeps stored values over the defaults', () => {
    const stored = { relayUrl: 'https://relay.team.example', accessToken: 'rt_abc', size: '2048x1152', variants: 6 };
    expect(mergeSettings(stored)).toEqual(stored);
  });

  it('replaces values of the wrong shape with defaults and keeps the rest', () => {
    expect(mergeSettings({ relayUrl: 42, accessToken: 'rt_abc', size: '999x1', variants: 9 })).toEqual({ ...DEFAULT_SETTINGS, accessToken: 'rt_abc' });
  });
});
