import { describe, expect, it } from 'vitest';
import { seededSettings } from '../../emulator/playground-config';
import { DEFAULT_SETTINGS } from '../../plugin/settings';

const PLAYGROUND = { relayUrl: 'http://localhost:9787', accessToken: 'rmg_playground' };
const seed = (stored: unknown, previous = {}) => seededSettings(stored, PLAYGROUND, previous, DEFAULT_SETTINGS.relayUrl);

describe('the relay the playground puts in the plugin settings', () => {
  it('fills settings never saved', () => {
    expect(seed(undefined)).toEqual({ relayUrl: 'http://localhost:9787', accessToken: 'rmg_playground' });
  });

  it('replaces the default URL and an empty token, keeping the other settings', () => {
    expect(seed({ ...DEFAULT_SETTINGS, size: '1536x1024', variants: 3 })).toEqual({ ...DEFAULT_SETTINGS, size: '1536x1024', variants: 3, ...PLAYGROUND });
  });

  it('leaves a relay and a token the designer set', () => {
    expect(seed({ ...DEFAULT_SETTINGS, relayUrl: 'https://relay.team.example', accessToken: 'rmg_team' })).toBeUndefined();
    expect(seed({ ...DEFAULT_SETTINGS, relayUrl: 'http://localhost:9787', accessToken: 'rmg_mine' })).toBeUndefined();
  });

  it('never hands the token to a relay the designer chose', () => {
    expect(seed({ ...DEFAULT_SETTINGS, relayUrl: 'https://relay.team.example', accessToken: '' })).toBeUndefined();
  });

  it('updates what it put there itself before: the relay on another port, its token made again', () => {
    const before = { relayUrl: 'http://localhost:8787', accessToken: 'rmg_old' };
    expect(seed({ ...DEFAULT_SETTINGS, ...before }, before)).toEqual({ ...DEFAULT_SETTINGS, ...PLAYGROUND });
  });

  it('changes nothing when the settings already point at it', () => {
    expect(seed({ ...DEFAULT_SETTINGS, ...PLAYGROUND })).toBeUndefined();
  });

  it('leaves the token alone for a demo relay, which needs none', () => {
    expect(seededSettings({ ...DEFAULT_SETTINGS, accessToken: 'rmg_mine' }, { relayUrl: 'http://localhost:8787' }, {}, DEFAULT_SETTINGS.relayUrl)).toBeUndefined();
  });
});
