import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { clientOf, type RelayEnv } from './client';
import { readEditRequest } from './edit-request';
import { RelayHttpError } from './errors';
import { readGenerateRequest } from './generate-request';
import type { ImageRequest } from './image-request';
import { jobPath } from './job-routes';
import type { JobManager } from './jobs';
import { openAiImageJson } from './provider';
import { maxGenerateBodyBytes, type RequestLimits } from './request-limits';

export interface ImageRouteOptions {
  jobs: JobManager;
  limits: RequestLimits;
}

const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** RFC 7240: `Prefer: respond-async` asks for a job instead of a long synchronous answer. */
function wantsJob(prefer: string | undefined): boolean {
  return (prefer ?? '').split(/[,;]/).some((preference) => preference.trim().toLowerCase() === 'respond-async');
}

function idempotencyKey(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === '' || raw.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new RelayHttpError(400, 'invalid_value', `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`, 'Idempotency-Key');
  }
  return raw;
}

/**
 * POST /v1/images/edits and /v1/images/generations. Plain calls are OpenAI-compatible and answer
 * when the image is made; with `Prefer: respond-async` they answer 202 with a job at once.
 */
export function imageRoutes(options: ImageRouteOptions): Hono<RelayEnv> {
  const routes = new Hono<RelayEnv>();
  const generateLimit = bodyLimit({
    maxSize: maxGenerateBodyBytes(options.limits),
    onError: () => {
      throw new RelayHttpError(413, 'request_too_large', `The body is larger than a prompt of ${options.limits.maxPromptChars} characters needs. Shorten the prompt.`, 'prompt');
    },
  });

  async function answer(c: Context<RelayEnv>, request: ImageRequest): Promise<Response> {
    const client = clientOf(c);
    if (wantsJob(c.req.header('prefer'))) {
      const record = await options.jobs.submit(client, request, idempotencyKey(c.req.header('idempotency-key')));
      const url = jobPath(record.id);
      return c.json({ id: record.id, status: record.status, url }, 202, { Location: url, 'Preference-Applied': 'respond-async' });
    }
    const started = performance.now();
    const image = await options.jobs.generateNow(client, request, c.req.raw.signal).finally(() => c.set('upstreamMs', Math.round(performance.now() - started)));
    return c.body(openAiImageJson(image), 200, { 'Content-Type': 'application/json' });
  }

  routes.post('/v1/images/edits', async (c) => answer(c, { kind: 'edit', ...(await readEditRequest(c.req.raw, options.limits)) }));
  routes.post('/v1/images/generations', generateLimit, async (c) => answer(c, { kind: 'generate', ...(await readGenerateRequest(c.req.raw, options.limits.maxPromptChars)) }));
  return routes;
}
