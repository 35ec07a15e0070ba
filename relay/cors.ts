import type { MiddlewareHandler } from 'hono';

const ALLOW_METHODS = 'GET, POST, DELETE, OPTIONS';
// `*` would not cover Authorization: it has to be named.
const ALLOW_HEADERS = 'Authorization, Content-Type, Idempotency-Key, Prefer';
const EXPOSE_HEADERS = 'Location, Retry-After';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * CORS for the plugin's iframe, whose origin is "null": `*` is the only value that admits it.
 * CORS is not what keeps other pages out: sandboxed iframes on any site have that same "null"
 * origin, so no list of origins could tell the plugin from them. The access token does (a live
 * relay answers nothing without one), and `*` never lets a page send cookies along, which the relay
 * does not use. Preflights are answered here, before any token is asked for. Other answers get their headers
 * once they are made (errors included), on the answer itself: hono/cors writes them onto a
 * placeholder answer first, which makes Hono rebuild every answer as a web stream, copying its body.
 */
export function pluginCors(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') {
      const headers: Record<string, string> = {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': ALLOW_METHODS,
        'Access-Control-Allow-Headers': ALLOW_HEADERS,
        'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
      };
      // Chrome asks before a public page (figma.com) talks to a private address such as localhost;
      // granted to any page, since the origin proves nothing: the token decides.
      if (c.req.header('access-control-request-private-network') === 'true') headers['Access-Control-Allow-Private-Network'] = 'true';
      return c.body(null, 204, headers);
    }
    await next();
    c.res.headers.set('Access-Control-Allow-Origin', '*');
    c.res.headers.set('Access-Control-Expose-Headers', EXPOSE_HEADERS);
  };
}
