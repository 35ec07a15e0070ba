import type { ImageSize } from './sizes';

/** Fields LLMEasy asks to be sent with these exact values in every request. */
export const FIXED_EDIT_FIELDS = {
  model: 'gpt-image-2',
  n: '1',
  response_format: 'b64_json',
  output_format: 'png',
} as const;

export interface ReferenceImage {
  filename: string;
  bytes: Uint8Array;
  /** PNG unless said otherwise: the plugin always sends PNG; SDK clients may send JPEG or WebP. */
  type?: 'image/png' | 'image/jpeg' | 'image/webp';
}

export interface EditRequest {
  prompt: string;
  size: ImageSize;
  images: readonly ReferenceImage[];
}

/**
 * The multipart body LLMEasy documents for /images/edits: the fixed fields, the prompt and size,
 * one reference as `image` or several as repeated `image[]`, each a file part of its image type.
 */
export function buildEditForm(request: EditRequest): FormData {
  const form = new FormData();
  form.append('model', FIXED_EDIT_FIELDS.model);
  form.append('prompt', request.prompt);
  form.append('n', FIXED_EDIT_FIELDS.n);
  form.append('size', request.size);
  form.append('response_format', FIXED_EDIT_FIELDS.response_format);
  form.append('output_format', FIXED_EDIT_FIELDS.output_format);
  const field = request.images.length === 1 ? 'image' : 'image[]';
  for (const image of request.images) {
    form.append(field, new Blob([image.bytes as Uint8Array<ArrayBuffer>], { type: image.type ?? 'image/png' }), image.filename);
  }
  return form;
}
