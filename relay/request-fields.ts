import { IMAGE_SIZES, isImageSize, type ImageSize } from '../shared/sizes';
import { RelayHttpError } from './errors';

export function invalid(param: string, message: string, code = 'invalid_value'): RelayHttpError {
  return new RelayHttpError(400, code, message, param);
}

/** A prompt over the limit; `length` is unknown when the reader stopped at the limit. */
export function promptTooLong(maxChars: number, length?: number): RelayHttpError {
  const has = length === undefined ? 'more' : String(length);
  return invalid('prompt', `A prompt may have at most ${maxChars} characters; this one has ${has}. Shorten it.`, 'prompt_too_long');
}

/** The fields edits and generations share, checked the same way for both. */
export function readPrompt(prompt: unknown, maxChars: number): string {
  if (typeof prompt !== 'string' || prompt.trim() === '') throw invalid('prompt', 'Write a prompt that describes the image.');
  if (prompt.length > maxChars) throw promptTooLong(maxChars, prompt.length);
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
