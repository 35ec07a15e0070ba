import { IMAGE_SIZES, isImageSize, type ImageSize } from '../shared/sizes';
import { RelayHttpError } from './errors';

export const MAX_PROMPT_LENGTH = 32_000;

export function invalid(param: string, message: string): RelayHttpError {
  return new RelayHttpError(400, 'invalid_value', message, param);
}

/** The fields edits and generations share, checked the same way for both. */
export function readPrompt(prompt: unknown): string {
  if (typeof prompt !== 'string' || prompt.trim() === '') throw invalid('prompt', 'Write a prompt that describes the image.');
  if (prompt.length > MAX_PROMPT_LENGTH) {
    throw invalid('prompt', `The prompt is ${prompt.length} characters long; the limit is ${MAX_PROMPT_LENGTH}. Shorten it.`);
  }
  return prompt;
}

export function readSize(size: unknown): ImageSize {
  const value = size ?? 'auto';
  if (!isImageSize(value)) throw invalid('size', `Size must be one of ${IMAGE_SIZES.map((s) => s.value).join(', ')}.`);
  return value;
}

/** OpenAI's `n`: this relay makes one image per request. */
export function checkSingleImage(n: unknown): void {
  if (n !== null && n !== undefined && String(n) !== '1') {
    throw invalid('n', 'This relay makes one image per request (n=1): send one request per variant.');
  }
}
