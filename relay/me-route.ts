import { Hono } from 'hono';
import { ANONYMOUS_CLIENT, type RelayEnv } from './client';

/** What GET /v1/me answers: the caller's token name, or, on a relay open to this machine, that no token is needed. */
export type MeAnswer = { name: string } | { name: null; open: true };

/**
 * GET /v1/me: lets the plugin check a token as soon as it is entered, without making an image. The
 * token itself was checked by the auth middleware; "anonymous" is reserved, so it means an open relay.
 */
export function meRoute(): Hono<RelayEnv> {
  const routes = new Hono<RelayEnv>();
  routes.get('/v1/me', (c) => {
    const client = c.get('client');
    const answer: MeAnswer = client === undefined || client === ANONYMOUS_CLIENT ? { name: null, open: true } : { name: client };
    return c.json(answer);
  });
  return routes;
}
