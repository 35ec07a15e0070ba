import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { RelayEnv } from './client';
import { readEditRequest } from './edit-request';
import { RelayHttpError } from './errors';
import { readGenerateRequest } from './generate-request';
import type { ImageRequest } from './image-request';
import { requestImage } from './provider';
import type { Upstream } from './upstream';

export interface ImageRouteOptions {
  upstream: Upstream;
  maxBodyBytes: number;
}

/** POST /v1/images/edits and /v1/images/generations, OpenAI-compatible. */
export function imageRoutes(options: ImageRouteOptions): Hono<RelayEnv> {
  const routes = new Hono<RelayEnv>();
  const limit = bodyLimit({
    maxSize: options.maxBodyBytes,
    onError: () => {
      throw new RelayHttpError(413, 'request_too_large', `The references add up to more than ${Math.round(options.maxBodyBytes / 1024 / 1024)} MB. Select fewer or smaller layers.`);
    },
  });

  async function answer(request: ImageRequest, signal: AbortSignal): Promise<Response> {
    const image = await requestImage(options.upstream, request, signal);
    return Response.json({ created: image.created, data: [{ b64_json: image.base64 }] });
  }

  routes.post('/v1/images/edits', limit, async (c) => answer({ kind: 'edit', ...(await readEditRequest(c.req.raw)) }, c.req.raw.signal));
  routes.post('/v1/images/generations', limit, async (c) => answer({ kind: 'generate', ...(await readGenerateRequest(c.req.raw)) }, c.req.raw.signal));
  return routes;
}
