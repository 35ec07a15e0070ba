import type { ImageSize } from '../shared/sizes';
import { RelayHttpError } from './errors';
import { checkSingleImage, readPrompt, readSize } from './request-fields';

export interface GenerateRequest {
  prompt: string;
  size: ImageSize;
}

/**
 * Reads an OpenAI-style text-to-image request. Only prompt and size are kept: the fields LLMEasy
 * fixes are set by the relay, and other OpenAI options are ignored.
 */
export async function readGenerateRequest(request: Request, maxPromptChars: number): Promise<GenerateRequest> {
  // Media types are case-insensitive (RFC 9110, 8.3.1): Application/JSON is JSON too.
  if (!/^application\/json\s*(;|$)/i.test(request.headers.get('content-type') ?? '')) {
    throw new RelayHttpError(400, 'invalid_content_type', 'Send the generation as JSON (Content-Type: application/json), as the OpenAI images API does.');
  }
  const body = (await request.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RelayHttpError(400, 'invalid_json', 'The body must be a JSON object such as {"prompt": "…", "size": "1024x1024"}.');
  }
  const prompt = readPrompt(body.prompt, maxPromptChars);
  const size = readSize(body.size);
  checkSingleImage(body.n);
  return { prompt, size };
}
