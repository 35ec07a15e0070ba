import { describe, expect, it } from 'vitest';
import { localTokenName } from '../../relay/local-token';
import { NAME_PATTERN } from '../../relay/tokens';

describe('the name of the token a live relay makes for this machine', () => {
  it('is the login name when it is a usable token name', () => {
    expect(localTokenName('alice')).toBe('alice');
    expect(localTokenName('j.doe@corp')).toBe('j.doe@corp');
  });

  it('drops accents and dashes other characters', () => {
    expect(localTokenName('José Müller')).toBe('Jose-Muller');
    expect(localTokenName('DOMAIN\\bob')).toBe('DOMAIN-bob');
    expect(localTokenName('_svc')).toBe('svc');
  });

  it('never takes a name the relay uses itself', () => {
    expect(localTokenName('anonymous')).toBe('anonymous-local');
    expect(localTokenName('Anonymous')).toBe('Anonymous-local');
  });

  it('falls back to "local" for a name with nothing usable in it', () => {
    expect(localTokenName('')).toBe('local');
    expect(localTokenName('张伟')).toBe('local');
  });

  it('is always a valid token name', () => {
    for (const name of ['x'.repeat(200), '---', '.hidden', 'a b c', 'ß']) expect(localTokenName(name)).toMatch(NAME_PATTERN);
  });
});
