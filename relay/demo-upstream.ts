import { isImageSize } from '../shared/sizes';
import { demoEdit } from './demo-image';
import type { Upstream } from './upstream';

/**
 * Stands in for LLMEasy when the relay has no key: answers in the provider's shape with a
 * deterministic transform of the first reference, in process, without any network call.
 */
export const demoUpstream: Upstream = async (form) => {
  const [first] = [...form.getAll('image'), ...form.getAll('image[]')];
  const size = form.get('size');
  if (typeof first === 'string' || first === undefined || !isImageSize(size)) {
    return Response.json({ error: { message: 'The demo needs a PNG reference and a size.', type: 'invalid_request_error', code: null } }, { status: 400 });
  }
  const png = demoEdit(new Uint8Array(await first.arrayBuffer()), size);
  return Response.json({ created: Math.floor(Date.now() / 1000), data: [{ b64_json: Buffer.from(png).toString('base64') }], demo: true });
};
