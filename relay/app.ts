import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { type AccessPolicy, requireToken } from './auth';
import type { RelayEnv } from './client';
import { RelayHttpError } from './errors';
import { imageRoutes } from './image-routes';
import { jobRoutes } from './job-routes';
import type { JobManager } from './jobs';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from './request-limits';
import { requestLog } from './request-log';

export type RelayMode = 'demo' | 'live';
export type LogLine = Record<string, string | number | boolean | undefined>;

export interface RelayOptions {
  /** Makes the images, for the synchronous and the job path alike; holds the upstream. */
  jobs: JobManager;
  mode: RelayMode;
  version: string;
  log: (line: LogLine) => void;
  limits?: RequestLimits;
  /** Who may call; without it the relay is open (tests, and callers that guard it themselves). */
  access?: AccessPolicy;
}

export function createRelayApp(options: RelayOptions): Hono<RelayEnv> {
  const app = new Hono<RelayEnv>();

  app.use('*', requestLog(options.log));

  // Figma plugin iframes have the origin "null"; `*` is the only value that admits them.
  app.use(
    '*',
    cors({
      origin: '*',
      allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
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

  app.route('/', imageRoutes({ jobs: options.jobs, limits: options.limits ?? DEFAULT_REQUEST_LIMITS }));
  app.route('/', jobRoutes(options.jobs));

  app.notFound(() => new RelayHttpError(404, 'not_found', 'No such endpoint on this Reimage relay. Check the Relay URL.').toResponse());
  app.onError((error) => {
    if (error instanceof RelayHttpError) return error.toResponse();
    options.log({ time: new Date().toISOString(), level: 'error', message: error.message });
    return new RelayHttpError(500, 'internal_error', 'The relay failed unexpectedly. Try again; if it keeps failing, tell your admin.').toResponse();
  });
  return app;
}
