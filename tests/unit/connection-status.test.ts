import { describe, expect, it } from 'vitest';
import { connectionProblem, connectionText } from '../../ui/connection-status';
import { RelayError, RelayTokenError } from '../../ui/relay-client';

describe('what Settings says of the relay and the token', () => {
  it('names the token’s owner, or an open demo relay', () => {
    expect(connectionText({ state: 'connected', identity: { name: 'alice' } })).toBe('Connected as alice');
    expect(connectionText({ state: 'connected', identity: { name: null, open: true } })).toBe('Open demo relay on this computer: no token needed.');
  });

  it('says what is wrong in the relay’s words, and tells a refused token from an unreachable relay', () => {
    const refused = connectionProblem(new RelayTokenError('The relay rejected your access token: ask your admin for a new one and paste it in Settings.'));
    expect(refused).toMatchObject({ state: 'problem', tokenRejected: true });
    expect(connectionText(refused)).toBe('The relay rejected your access token: ask your admin for a new one and paste it in Settings.');
    expect(connectionProblem(new RelayError("Can't reach the relay at http://localhost:8787."))).toMatchObject({ tokenRejected: false });
  });
});
