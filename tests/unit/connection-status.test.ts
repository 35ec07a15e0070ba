import { describe, expect, it } from 'vitest';
import { connectionProblem, connectionText } from '../../ui/connection-status';
import { RelayError, RelayTokenError } from '../../ui/relay-client';

describe('what Settings says of the relay and the token', () => {
  it('names the token’s owner, or an open demo relay', () => {
    expect(connectionText({ state: 'connected', identity: { name: 'alice' } })).toBe('Connected as alice');
    const usage = { month: '2026-12', made: 37, resetsAt: '2027-01-01T00:00:00.000Z' };
    expect(connectionText({ state: 'connected', identity: { name: 'alice', usage: { ...usage, monthlyImages: 200 } } })).toBe('Connected as alice · 37 of 200 images this month');
    expect(connectionText({ state: 'connected', identity: { name: 'bob', usage: { ...usage, made: 1 } } })).toBe('Connected as bob · 1 image this month');
    expect(connectionText({ state: 'connected', identity: { name: null, open: true } })).toBe('Open demo relay on this computer: no token needed.');
  });

  it('says what is wrong in the relay’s words, and tells a refused token from an unreachable relay', () => {
    const refused = connectionProblem(new RelayTokenError('The relay rejected your access token: ask your admin for a new one and paste it in Settings.'));
    expect(refused).toMatchObject({ state: 'problem', tokenRejected: true });
    expect(connectionText(refused)).toBe('The relay rejected your access token: ask your admin for a new one and paste it in Settings.');
    expect(connectionProblem(new RelayError("Can't reach the relay at http://localhost:8787."))).toMatchObject({ tokenRejected: false });
  });
});
