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
 * The text fields LLMEasy documents for /images/edits, in its order: the fixed fields, the prompt
 * and size.
 */
export function editTextFields(request: Pick<EditRequest, 'prompt' | 'size'>): [name: string, value: string][] {
  return [
    ['model', FIXED_EDIT_FIELDS.model],
    ['prompt', request.prompt],
    ['n', FIXED_EDIT_FIELDS.n],
    ['size', request.size],
    ['response_format', FIXED_EDIT_FIELDS.response_format],
    ['output_format', FIXED_EDIT_FIELDS.output_format],
  ];
}

/** One reference goes as `image`, several as repeated `image[]`. */
export function referenceFieldName(count: number): 'image' | 'image[]' {
  return count === 1 ? 'image' : 'image[]';
}

/**
 * The multipart body LLMEasy documents for /images/edits: the text fields, then the references,
 * each a file part of its image type.
 */
export function buildEditForm(request: EditRequest): FormData {
  const form = new FormData();
  for (const [name, value] of editTextFields(request)) form.append(name, value);
  const field = referenceFieldName(request.images.length);
  for (const image of request.images) {
    form.append(field, new Blob([image.bytes as Uint8Array<ArrayBuffer>], { type: image.type ?? 'image/png' }), image.filename);
  }
  return form;
}
