import { describe, expect, it } from 'vitest';
import { providerError } from '../../relay/errors';

describe('provider error mapping', () => {
  it("blames the relay's key, never the user's token, when the provider rejects it", () => {
    for (const status of [401, 403]) {
      const error = providerError(status, { error: { message: 'Incorrect API key provided' } }, null);
      expect(error.status).toBe(502);
      expect(error.message).toContain("relay's provider key was rejected");
    }
  });

  it("passes a refusal on as 400 with the provider's message and what to do about it", () => {
    const error = providerError(400, { error: { message: 'Your request was rejected by the safety system.', code: 'moderation_blocked' } }, null);
    expect(error).toMatchObject({
      status: 400,
      code: 'moderation_blocked',
      message: 'The image provider refused the request: Your request was rejected by the safety system. Change the prompt or references and try again.',
    });
  });

  it('keeps a rate limit a rate limit, with Retry-After', () => {
    const error = providerError(429, {}, '17');
    expect(error.status).toBe(429);
    expect(error.headers['Retry-After']).toBe('17');
  });

  it('reports a provider failure as a bad gateway', () => {
    expect(providerError(503, 'garbage', null).status).toBe(502);
  });
});
