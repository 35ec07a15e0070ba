import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { type AccessPolicy, requireToken } from './auth';
import type { RelayEnv } from './client';
import { buildEditForm } from '../shared/edit-form';
import { isPng } from '../shared/png-size';
import { DEFAULT_EDIT_LIMITS, type EditLimits, readEditRequest } from './edit-request';
import { providerError, RelayHttpError } from './errors';
import { type Upstream, UpstreamTimeoutError } from './upstream';

export type RelayMode = 'demo' | 'live';
export type LogLine = Record<string, string | number | boolean | undefined>;

export interface RelayOptions {
  upstream: Upstream;
  mode: RelayMode;
  version: string;
  log: (line: LogLine) => void;
  editLimits?: EditLimits;
  /** Who may call; without it the relay is open (tests, and callers that guard it themselves). */
  access?: AccessPolicy;
}

async function callProvider(upstream: Upstream, form: FormData, signal: AbortSignal): Promise<Response> {
  try {
    return await upstream(form, signal);
  } catch (error) {
    if (error instanceof UpstreamTimeoutError) {
      throw new RelayHttpError(504, 'provider_timeout', 'The image provider took too long to answer. Try again, perhaps with a smaller size.');
    }
    if (signal.aborted) throw error;
    throw new RelayHttpError(502, 'provider_unreachable', 'The relay could not reach the image provider. Try again in a minute; if it keeps failing, tell your admin.');
  }
}

/** Checks the provider's answer holds a PNG and passes on only the documented shape. */
async function imageAnswer(response: Response): Promise<Response> {
  const body = (await response.json().catch(() => undefined)) as { created?: number; data?: { b64_json?: unknown }[] } | undefined;
  if (!response.ok) throw providerError(response.status, body, response.headers.get('retry-after'));
  const base64 = body?.data?.[0]?.b64_json;
  if (typeof base64 !== 'string' || !isPng(Buffer.from(base64.slice(0, 64), 'base64'))) {
    throw new RelayHttpError(502, 'provider_bad_answer', 'The image provider answered without a PNG image. Try again in a minute.');
  }
  return Response.json({ created: body?.created ?? Math.floor(Date.now() / 1000), data: [{ b64_json: base64 }] });
}

export function createRelayApp(options: RelayOptions): Hono<RelayEnv> {
  const app = new Hono<RelayEnv>();
  const editLimits = options.editLimits ?? DEFAULT_EDIT_LIMITS;

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    options.log({
      time: new Date().toISOString(),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
      bytesIn: Number(c.req.header('content-length') ?? 0),
      bytesOut: Number(c.res.headers.get('content-length') ?? 0) || undefined,
    });
  });

  // Figma plugin iframes have the origin "null"; `*` is the only value that admits them.
  app.use(
    '*',
    cors({
      origin: '*',
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'Prefer'],
      exposeHeaders: ['Location', 'Retry-After'],
      maxAge: 600,
    }),
  );
  // Chrome asks before a public page (figma.com) talks to a private address such as localhost.
  app.use('*', async (c, next) => {
    await next();
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-private-network') === 'true') {
      c.res.headers.set('Access-Control-Allow-Private-Network', 'true');
    }
  });

  if (options.access) app.use('/v1/*', requireToken(options.access));

  app.get('/healthz', (c) => c.json({ status: 'ok', mode: options.mode, version: options.version }));

  app.post('/v1/images/edits', async (c) => {
    const request = await readEditRequest(c.req.raw, editLimits);
    const response = await callProvider(options.upstream, buildEditForm(request), c.req.raw.signal);
    return imageAnswer(response);
  });

  app.notFound(() => new RelayHttpError(404, 'not_found', 'No such endpoint on this Reimage relay. Check the Relay URL.').toResponse());
  app.onError((error) => {
    if (error instanceof RelayHttpError) return error.toResponse();
    options.log({ time: new Date().toISOString(), level: 'error', message: error.message });
    return new RelayHttpError(500, 'internal_error', 'The relay failed unexpectedly. Try again; if it keeps failing, tell your admin.').toResponse();
  });
  return app;
}
