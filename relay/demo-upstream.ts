import { demoEdit, demoGeneration } from './demo-image';
import type { Upstream } from './upstream';

/**
 * Stands in for LLMEasy when the relay has no key: answers in the provider's shape, in process and
 * without any network call, with a deterministic transform of the first reference for an edit, or a
 * picture chosen by the prompt for a generation.
 */
export const demoUpstream: Upstream = async (request) => {
  const png = request.kind === 'edit' ? demoEdit(request.images[0].bytes, request.size) : demoGeneration(request.prompt, request.size);
  return Response.json({ created: Math.floor(Date.now() / 1000), data: [{ b64_json: Buffer.from(png).toString('base64') }], demo: true });
};
