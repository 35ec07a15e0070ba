import type { MiddlewareHandler } from 'hono';
import type { RelayMode } from './app';
import { ANONYMOUS_CLIENT, type RelayEnv } from './client';
import { RelayHttpError } from './errors';
import type { TokenRecords } from './store/store';
import { tokenHash } from './tokens';

export interface AccessPolicy {
  tokens: TokenRecords;
  /** Whether only this machine can reach the relay: then, and only in demo mode, it may run without tokens. */
  loopback: boolean;
}

function rejected(missing: boolean): RelayHttpError {
  const message = missing
    ? 'The relay needs an access token: paste yours in Settings → Access token. Your admin hands them out; a relay on your own machine printed one when it first started.'
    : 'The relay rejected your access token: ask your admin for a new one and paste it in Settings.';
  return new RelayHttpError(401, missing ? 'missing_access_token' : 'invalid_access_token', message, undefined, { 'WWW-Authenticate': 'Bearer' });
}

const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

function proxiedWithoutTokens(): RelayHttpError {
  return new RelayHttpError(
    401,
    'relay_has_no_tokens',
    'This relay has no access tokens yet, so it only serves its own machine, not requests through a proxy. Ask your admin to create a token for you (npm run relay -- token create <name>) and paste it in Settings.',
    undefined,
    { 'WWW-Authenticate': 'Bearer' },
  );
}

/**
 * Lets a request through only with a valid `Authorization: Bearer` token, and names the client
 * after the token. A demo relay on loopback with no tokens at all spends nothing, so it is open to
 * this machine, but not to requests that a proxy forwarded. A live relay always asks for a token:
 * any web page open on this machine can send requests to loopback, and no origin check can tell
 * the plugin from such a page (sandboxed iframes on any site share the plugin's "null" origin).
 */
export function requireToken(policy: AccessPolicy, mode: RelayMode): MiddlewareHandler<RelayEnv> {
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return next();
    if (mode === 'demo' && policy.loopback && !(await policy.tokens.hasAny())) {
      // A proxy on this machine would expose an open relay to everyone it serves.
      if (PROXY_HEADERS.some((name) => c.req.header(name) !== undefined)) throw proxiedWithoutTokens();
      c.set('client', ANONYMOUS_CLIENT);
      return next();
    }
    const header = c.req.header('authorization');
    const presented = /^Bearer +(\S+) *$/i.exec(header ?? '')?.[1];
    const name = presented === undefined ? undefined : await policy.tokens.use(tokenHash(presented));
    if (name === undefined) throw rejected(header === undefined);
    c.set('client', name);
    return next();
  };
}
