import type { MiddlewareHandler } from 'hono';
import type { RelayEnv } from './client';
import { RelayHttpError } from './errors';
import type { TokenStore } from './tokens';

export interface AccessPolicy {
  tokens: TokenStore;
  /** Whether only this machine can reach the relay: then, and only then, it may run without tokens. */
  loopback: boolean;
}

function rejected(missing: boolean): RelayHttpError {
  const message = missing
    ? 'The relay needs an access token: ask your admin for one and paste it in Settings.'
    : 'The relay rejected your access token: ask your admin for a new one and paste it in Settings.';
  return new RelayHttpError(401, missing ? 'missing_access_token' : 'invalid_access_token', message, undefined, { 'WWW-Authenticate': 'Bearer' });
}

/**
 * Lets a request through only with a valid `Authorization: Bearer` token, and names the client
 * after the token. A loopback relay with no tokens at all is open to this machine.
 */
export function requireToken(policy: AccessPolicy): MiddlewareHandler<RelayEnv> {
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return next();
    if (policy.loopback && !policy.tokens.hasTokens()) return next();
    const header = c.req.header('authorization');
    const presented = /^Bearer +(\S+) *$/i.exec(header ?? '')?.[1];
    const name = presented === undefined ? undefined : policy.tokens.verify(presented);
    if (name === undefined) throw rejected(header === undefined);
    c.set('client', name);
    return next();
  };
}
