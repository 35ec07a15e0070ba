/** An error the relay answers with, in OpenAI's shape, carrying a message a designer can act on. */
export class RelayHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  get type(): string {
    return this.status >= 500 ? 'server_error' : 'invalid_request_error';
  }

  toResponse(): Response {
    const error = { message: this.message, type: this.type, code: this.code, ...(this.param ? { param: this.param } : {}) };
    return Response.json({ error }, { status: this.status, headers: this.headers });
  }
}

interface ProviderErrorBody {
  error?: { message?: unknown; code?: unknown };
}

function providerMessage(body: unknown): string | undefined {
  const message = (body as ProviderErrorBody | undefined)?.error?.message;
  return typeof message === 'string' && message.trim() !== '' ? message : undefined;
}

/** Maps a failed provider answer to what the relay tells its client, never blaming the client for the relay's key. */
export function providerError(status: number, body: unknown, retryAfter: string | null): RelayHttpError {
  const message = providerMessage(body);
  const code = (body as ProviderErrorBody | undefined)?.error?.code;
  if (status === 401 || status === 403) {
    return new RelayHttpError(502, 'provider_auth_failed', "The relay's provider key was rejected by LLMEasy. Tell your admin: the relay's LLMEASY_API_KEY needs to be replaced.");
  }
  if (status === 429) {
    return new RelayHttpError(429, 'provider_rate_limited', 'The image provider is busy or over its quota. Wait a minute and try again.', undefined, {
      'Retry-After': retryAfter ?? '60',
    });
  }
  if (status >= 400 && status < 500) {
    const refusal = message ? `The image provider refused the request: ${message}` : `The image provider refused the request (HTTP ${status}).`;
    return new RelayHttpError(400, typeof code === 'string' ? code : 'provider_rejected', `${refusal} Change the prompt or references and try again.`);
  }
  return new RelayHttpError(502, 'provider_unavailable', `The image provider failed (HTTP ${status}). Try again in a minute.`);
}
