import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { watchBodyIdle } from './body-idle';
import { clientOf, type RelayEnv } from './client';
import { readEditRequest } from './edit-request';
import { RelayHttpError } from './errors';
import { readGenerateRequest } from './generate-request';
import type { ImageRequest } from './image-request';
import type { JobRecord } from './job-record';
import { jobPath, jobView } from './job-routes';
import type { Admission, JobManager } from './jobs';
import { openAiImageJson } from './provider';
import { maxGenerateBodyBytes, type RequestLimits } from './request-limits';

export interface ImageRouteOptions {
  jobs: JobManager;
  limits: RequestLimits;
  /** How long an upload may send nothing before it is cut with 408. */
  bodyIdleMs: number;
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

  function accepted(c: Context<RelayEnv>, record: JobRecord): Response {
    const url = jobPath(record.id);
    // The job as GET shows it: it may have ended already when the provider answers at once.
    return c.json({ ...jobView(record), url }, 202, { Location: url, 'Preference-Applied': 'respond-async' });
  }

  /** The body, read while it keeps arriving; a refused or stalled one gives its client's place back at once. */
  async function readFor(c: Context<RelayEnv>, admission: Admission, read: () => Promise<ImageRequest>): Promise<ImageRequest> {
    const watch = watchBodyIdle(c.env?.incoming, options.bodyIdleMs);
    try {
      return await Promise.race([read(), watch.idle]);
    } catch (error) {
      admission.release();
      throw error;
    } finally {
      watch.stop();
    }
  }

  /**
   * The client is admitted (or refused with 429) before its body is read, and a retried
   * Idempotency-Key is answered without reading it at all.
   */
  async function answer(c: Context<RelayEnv>, read: () => Promise<ImageRequest>): Promise<Response> {
    const client = clientOf(c);
    if (wantsJob(c.req.header('prefer'))) {
      const admitted = await options.jobs.admitJob(client, idempotencyKey(c.req.header('idempotency-key')));
      if ('job' in admitted) return accepted(c, admitted.job);
      const request = await readFor(c, admitted.admission, read);
      return accepted(c, await options.jobs.submit(admitted.admission, request));
    }
    const admission = await options.jobs.admit(client);
    const request = await readFor(c, admission, read);
    const started = performance.now();
    const image = await options.jobs.generateNow(admission, request, c.req.raw.signal).finally(() => c.set('upstreamMs', Math.round(performance.now() - started)));
    const pieces = openAiImageJson(image);
    const length = pieces.reduce((sum, piece) => sum + piece.length, 0);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const piece of pieces) controller.enqueue(piece);
        controller.close();
      },
    });
    return c.body(body, 200, { 'Content-Type': 'application/json', 'Content-Length': String(length) });
  }

  routes.post('/v1/images/edits', (c) =>
    answer(c, async () => {
      const upload = { contentType: c.req.header('content-type'), contentLength: c.req.header('content-length'), body: c.env.incoming };
      return { kind: 'edit', ...(await readEditRequest(upload, options.limits)) };
    }),
  );
  routes.post('/v1/images/generations', generateLimit, (c) =>
    answer(c, async () => ({ kind: 'generate', ...(await readGenerateRequest(c.req.raw, options.limits.maxPromptChars)) })),
  );
  return routes;
}
