import { Hono } from 'hono';
import { clientOf, type RelayEnv } from './client';
import { RelayHttpError } from './errors';
import type { JobRecord } from './job-record';
import { type JobManager, MAX_WAIT_SECONDS } from './jobs';

export function jobPath(id: string): string {
  return `/v1/jobs/${id}`;
}

/** A job as its client sees it. */
export function jobView(record: JobRecord) {
  return {
    id: record.id,
    status: record.status,
    kind: record.kind,
    createdAt: record.createdAt,
    ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
    ...(record.error ? { error: record.error } : {}),
    ...(record.image ? { image: { url: `${jobPath(record.id)}/image`, ...record.image } } : {}),
  };
}

function notFound(): RelayHttpError {
  return new RelayHttpError(404, 'job_not_found', 'This job does not exist, belongs to another access token, or has expired. Generate again.');
}

function waitMs(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_WAIT_SECONDS) {
    throw new RelayHttpError(400, 'invalid_value', `wait must be a number of seconds from 0 to ${MAX_WAIT_SECONDS}.`, 'wait');
  }
  return seconds * 1000;
}

/** GET /v1/jobs/:id (long poll with ?wait=), GET /v1/jobs/:id/image, DELETE /v1/jobs/:id. */
export function jobRoutes(jobs: JobManager): Hono<RelayEnv> {
  const routes = new Hono<RelayEnv>();

  routes.get('/v1/jobs/:id', async (c) => {
    const record = await jobs.wait(clientOf(c), c.req.param('id'), waitMs(c.req.query('wait')), c.req.raw.signal);
    if (!record) throw notFound();
    return c.json(jobView(record));
  });

  routes.get('/v1/jobs/:id/image', async (c) => {
    const id = c.req.param('id');
    const client = clientOf(c);
    // Opened before answering, so a cleanup that deletes the job now cannot cut the download short.
    const image = await jobs.image(client, id, c.req.raw.signal);
    if (!image) {
      const record = await jobs.get(client, id);
      // A succeeded job whose image is gone was deleted meanwhile.
      if (!record || record.status === 'succeeded') throw notFound();
      throw new RelayHttpError(404, 'image_not_ready', `This job has no image: it is ${record.status}. Wait for it to succeed with GET ${jobPath(id)}?wait=25.`);
    }
    const headers = { 'Content-Type': 'image/png', 'Content-Length': String(image.bytes), 'Cache-Control': 'private' };
    if ('png' in image) return c.body(new Uint8Array(image.png.buffer as ArrayBuffer, image.png.byteOffset, image.png.length), 200, headers);
    return new Response(image.body, { headers });
  });

  routes.delete('/v1/jobs/:id', async (c) => {
    const record = await jobs.cancel(clientOf(c), c.req.param('id'));
    if (!record) throw notFound();
    return c.json({ id: record.id, status: record.status });
  });

  return routes;
}
