import type { EditRequest, ReferenceImage } from '../shared/edit-form';
import { isPng } from '../shared/png-size';
import { IMAGE_SIZES, isImageSize } from '../shared/sizes';
import { RelayHttpError } from './errors';

export const MAX_IMAGES = 16;
export const MAX_PROMPT_LENGTH = 32_000;

function invalid(param: string, message: string): RelayHttpError {
  return new RelayHttpError(400, 'invalid_value', message, param);
}

/**
 * Reads an OpenAI-style edit form into the request the relay sends on. Fields LLMEasy fixes (model,
 * response_format, output_format) are set by the relay whatever the client sent; fields it does not
 * know are dropped.
 */
export async function parseEditForm(form: FormData): Promise<EditRequest> {
  const prompt = form.get('prompt');
  if (typeof prompt !== 'string' || prompt.trim() === '') throw invalid('prompt', 'Write a prompt that describes the edit.');
  if (prompt.length > MAX_PROMPT_LENGTH) {
    throw invalid('prompt', `The prompt is ${prompt.length} characters long; the limit is ${MAX_PROMPT_LENGTH}. Shorten it.`);
  }

  const size = form.get('size') ?? 'auto';
  if (!isImageSize(size)) {
    throw invalid('size', `Size must be one of ${IMAGE_SIZES.map((s) => s.value).join(', ')}.`);
  }

  const n = form.get('n');
  if (n !== null && n !== '1') {
    throw invalid('n', 'This relay makes one image per request (n=1): send one request per variant.');
  }

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
