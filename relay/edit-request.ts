import type { EditRequest, ReferenceImage } from '../shared/edit-form';
import { isPng } from '../shared/png-size';
import { RelayHttpError } from './errors';
import { checkSingleImage, invalid, readPrompt, readSize } from './request-fields';

export const MAX_IMAGES = 16;

/**
 * Reads an edit request off the wire. The one entry point for both the synchronous and the job
 * path, so the way a body is read and limited lives in one place.
 */
export async function readEditRequest(request: Request): Promise<EditRequest> {
  if (!request.headers.get('content-type')?.startsWith('multipart/form-data')) {
    throw new RelayHttpError(400, 'invalid_content_type', 'Send the edit as multipart/form-data, as the OpenAI images API does.');
  }
  const form = await request.formData().catch(() => {
    throw new RelayHttpError(400, 'invalid_multipart', 'The multipart body could not be read. Send it again.');
  });
  return parseEditForm(form);
}

/**
 * Reads an OpenAI-style edit form into the request the relay sends on. Fields LLMEasy fixes (model,
 * response_format, output_format) are set by the relay whatever the client sent; fields it does not
 * know are dropped.
 */
export async function parseEditForm(form: FormData): Promise<EditRequest> {
  const prompt = readPrompt(form.get('prompt'));
  const size = readSize(form.get('size'));
  checkSingleImage(form.get('n'));

  const parts = [...form.getAll('image'), ...form.getAll('image[]')];
  if (parts.length === 0) throw invalid('image', 'Send at least one reference image.');
  if (parts.length > MAX_IMAGES) {
    throw invalid('image', `Send at most ${MAX_IMAGES} reference images; this request has ${parts.length}.`);
  }
  const images: ReferenceImage[] = [];
  for (const [index, part] of parts.entries()) {
    if (typeof part === 'string') throw invalid('image', `Reference ${index + 1} must be a file, not a text field.`);
    const bytes = new Uint8Array(await part.arrayBuffer());
    if (!isPng(bytes)) throw invalid('image', `Reference ${index + 1} (${part.name || 'unnamed'}) is not a PNG image: export it as PNG.`);
    images.push({ filename: `reference-${index + 1}.png`, bytes });
  }
  return { prompt, size, images };
}
