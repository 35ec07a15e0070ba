import { FIXED_EDIT_FIELDS } from '../shared/edit-form';
import type { ReceivedEdit } from './edit-request';
import type { GenerateRequest } from './generate-request';

/** What a client asked the relay to make: an edit of references, or an image from the prompt alone. */
export type ImageRequest = ({ kind: 'edit' } & ReceivedEdit) | ({ kind: 'generate' } & GenerateRequest);

export type ImageKind = ImageRequest['kind'];

/** The JSON body LLMEasy takes at /images/generations, with the same fixed fields as edits. */
export function generationBody(request: GenerateRequest) {
  return {
    model: FIXED_EDIT_FIELDS.model,
    prompt: request.prompt,
    n: Number(FIXED_EDIT_FIELDS.n),
    size: request.size,
    response_format: FIXED_EDIT_FIELDS.response_format,
    output_format: FIXED_EDIT_FIELDS.output_format,
  };
}
