import { Hono } from 'hono';
import { type AccessPolicy, requireToken } from './auth';
import { DEFAULT_BODY_IDLE_MS } from './body-idle';
import type { RelayEnv } from './client';
import { pluginCors } from './cors';
import { RelayHttpError } from './errors';
import { imageRoutes } from './image-routes';
import { jobRoutes } from './job-routes';
import type { JobManager } from './jobs';
import { meRoute } from './me-route';
import { presetsRoute } from './presets-route';
import type { TeamRecords } from './store/team';
import { type AdminOptions, adminRoutes, isAdminPath } from './admin/admin-routes';
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
  /** How long an upload may send nothing before it is cut with 408; 30 s when not given. */
  bodyIdleMs?: number;
  /** Usage, budgets and team presets, for GET /v1/me and /v1/presets; without them /v1/me says only the name. */
  records?: TeamRecords;
  /** MONTHLY_IMAGES_PER_TOKEN, for GET /v1/me. */
  monthlyImagesPerToken?: number;
  now?: () => number;
  /** The admin page at /admin; without it there is no such route at all. */
  admin?: AdminOptions;
}

export function createRelayApp(options: RelayOptions): Hono<RelayEnv> {
  const app = new Hono<RelayEnv>();
  const cors = pluginCors();

  app.use('*', requestLog(options.log));

  // The admin page is for the admin's browser alone: no other origin may read it.
  app.use('*', (c, next) => (options.admin && isAdminPath(c.req.path) ? next() : cors(c, next)));

  if (options.access) app.use('/v1/*', requireToken(options.access, options.mode));

  const limits = options.limits ?? DEFAULT_REQUEST_LIMITS;
  // The limits are public so the plugin can refuse a selection before it uploads it.
  app.get('/healthz', (c) => c.json({ status: 'ok', mode: options.mode, version: options.version, limits }));
  app.route('/', meRoute({ records: options.records, monthlyImagesPerToken: options.monthlyImagesPerToken, now: options.now ?? Date.now }));
  app.route('/', presetsRoute(options.records?.presets));
  if (options.admin) app.route('/', adminRoutes(options.admin, options.log));

  app.route('/', imageRoutes({ jobs: options.jobs, limits, bodyIdleMs: options.bodyIdleMs ?? DEFAULT_BODY_IDLE_MS }));
  app.route('/', jobRoutes(options.jobs));

  app.notFound(() => new RelayHttpError(404, 'not_found', 'No such endpoint on this Reimage relay. Check the Relay URL.').toResponse());
  app.onError((error) => {
    if (error instanceof RelayHttpError) return error.toResponse();
    options.log({ time: new Date().toISOString(), level: 'error', message: error.message });
    return new RelayHttpError(500, 'internal_error', 'The relay failed unexpectedly. Try again; if it keeps failing, tell your admin.').toResponse();
  });
  return app;
}
