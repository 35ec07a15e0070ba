import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { liveUpstream } from '../../relay/upstream';
import { buildEditForm } from '../../shared/edit-form';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { solidPng } from '../fakes/png';
import { submitEdit, submittedJobId, waitForJob } from '../helpers/job-client';
import { startRelay, type RunningRelay } from '../helpers/relay-server';

const API_KEY = 'sk-test-provider-errors-3c8e';

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return (res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

interface Failure {
  name: string;
  answer: (res: ServerResponse) => void;
  status: number;
  code: string;
  message: string | RegExp;
  retryAfter?: string;
}

const KEY_REJECTED = "The relay's provider key was rejected by LLMEasy. Tell your admin: the relay's LLMEASY_API_KEY needs to be replaced.";
const NOT_PNG = 'The image provider answered without a PNG image.';

const failures: Failure[] = [
  { name: 'a rejected key (401)', answer: json(401, { error: { message: 'Incorrect API key provided' } }), status: 502, code: 'provider_auth_failed', message: KEY_REJECTED },
  { name: 'a forbidden key (403)', answer: json(403, { error: { message: 'Forbidden' } }), status: 502, code: 'provider_auth_failed', message: KEY_REJECTED },
  {
    name: 'a moderation refusal (400)',
    answer: json(400, { error: { message: 'Your request was rejected by the safety system.', code: 'moderation_blocked' } }),
    status: 400,
    code: 'moderation_blocked',
    message: 'Your request was rejected by the safety system.',
  },
  {
    name: 'a rate limit (429)',
    answer: json(429, { error: { message: 'Rate limit reached' } }, { 'retry-after': '42' }),
    status: 429,
    code: 'provider_rate_limited',
    message: 'The image provider is busy or over its quota. Wait a minute and try again.',
    retryAfter: '42',
  },
  {
    name: 'a rate limit without Retry-After',
    answer: json(429, { error: { message: 'Rate limit reached' } }),
    status: 429,
    code: 'provider_rate_limited',
    message: /Wait a minute/,
    retryAfter: '60',
  },
  { name: 'a server error (500)', answer: json(500, { error: { message: 'boom' } }), status: 502, code: 'provider_unavailable', message: 'The image provider failed (HTTP 500). Try again in a minute.' },
  { name: 'an overloaded provider (503)', answer: json(503, '<html>busy</html>'), status: 502, code: 'provider_unavailable', message: /provider failed \(HTTP 503\)/ },
  { name: 'a connection reset before the answer', answer: (res) => res.socket!.destroy(), status: 502, code: 'provider_unreachable', message: /could not reach the image provider/ },
  {
    name: 'a connection reset in the middle of the answer',
    answer: (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
      res.write('{"created":1,"data":[{"b64_json":"iVBORw0KGgo');
      setTimeout(() => res.socket!.destroy(), 20);
    },
    status: 502,
    code: 'provider_bad_answer',
    message: new RegExp(NOT_PNG),
  },
  { name: 'garbage instead of JSON', answer: json(200, '<html>oops</html>'), status: 502, code: 'provider_bad_answer', message: new RegExp(NOT_PNG) },
  {
    name: 'an answer whose image is not a PNG',
    answer: json(200, { created: 1, data: [{ b64_json: Buffer.from('GIF89a-not-a-png').toString('base64') }] }),
    status: 502,
    code: 'provider_bad_answer',
    message: new RegExp(NOT_PNG),
  },
];

describe('provider failures, mapped honestly and never retried', () => {
  let provider: FakeLlmEasy;
  let relay: RunningRelay;

  async function start(failure: Failure, timeoutMs?: number, delayMs?: number) {
    provider = await startFakeLlmEasy({
      apiKey: API_KEY,
      delayMs,
      respond: (_call, res) => {
        failure.answer(res);
        return true;
      },
    });
    relay = await startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY, timeoutMs }) });
  }

  afterEach(async () => {
    await relay.close();
    await provider.close();
  });

  const form = () => buildEditForm({ prompt: 'p', size: 'auto', images: [{ filename: 'a.png', bytes: solidPng(8, 8) }] });

  for (const failure of failures) {
    it(`answers ${failure.name} with ${failure.status} on the synchronous path`, async () => {
      await start(failure);
      const response = await fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: form() });
      const { error } = (await response.json()) as { error: { message: string; code: string } };
      expect(response.status).toBe(failure.status);
      expect(error.code).toBe(failure.code);
      expect(error.message).toMatch(failure.message);
      if (failure.retryAfter) expect(response.headers.get('retry-after')).toBe(failure.retryAfter);
      expect(provider.calls).toHaveLength(1);
    });

    it(`fails the job for ${failure.name} with the same message, calling the provider once`, async () => {
      await start(failure);
      const job = await waitForJob(relay.url, await submittedJobId(await submitEdit(relay.url, form())), 5);
      expect(job.status).toBe('failed');
      expect(job.error!.code).toBe(failure.code);
      expect(job.error!.message).toMatch(failure.message);
      expect(provider.calls).toHaveLength(1);
    });
  }

  it('answers 504 when the provider does not answer in time, and does not try again', async () => {
    await start({ ...failures[0], answer: json(200, {}) }, 200, 2000);
    const response = await fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: form() });
    expect(response.status).toBe(504);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
      'The image provider took too long to answer. Try again, perhaps with a smaller size.',
    );
    expect(provider.calls).toHaveLength(1);
  });

  /** Headers and the start of a body, then nothing: a provider that stalls after it began answering. */
  const stallsAfterHeaders: Failure = {
    ...failures[0],
    answer: (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"created":1,"data":[{"b64_json":"iVBORw0KGgo');
    },
  };
  const TOO_LONG = 'The image provider took too long to answer. Try again, perhaps with a smaller size.';

  it('answers 504 provider_timeout when the provider sends its headers and then stalls', async () => {
    await start(stallsAfterHeaders, 300);
    const response = await fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: form() });
    expect(response.status).toBe(504);
    expect((await response.json()) as { error: { code: string; message: string } }).toMatchObject({ error: { code: 'provider_timeout', message: TOO_LONG } });
    expect(provider.calls).toHaveLength(1);
  });

  it('fails the job with provider_timeout when the provider sends its headers and then stalls', async () => {
    await start(stallsAfterHeaders, 300);
    const job = await waitForJob(relay.url, await submittedJobId(await submitEdit(relay.url, form())), 5);
    expect(job).toMatchObject({ status: 'failed', error: { code: 'provider_timeout', message: TOO_LONG } });
  });

  it('never blames the user for the provider key, even with a valid token', async () => {
    await start(failures[0]);
    const response = await fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: form(), headers: { Authorization: 'Bearer rmg_whatever' } });
    const body = await response.text();
    expect(response.status).toBe(502);
    expect(body).not.toMatch(/access token/i);
  });
});

describe('an unreachable provider', () => {
  it('answers 502 with what to do', async () => {
    const relay = await startRelay({ upstream: liveUpstream({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: API_KEY }) });
    try {
      const response = await fetch(`${relay.url}/v1/images/edits`, {
        method: 'POST',
        body: buildEditForm({ prompt: 'p', size: 'auto', images: [{ filename: 'a.png', bytes: solidPng(8, 8) }] }),
      });
      expect(response.status).toBe(502);
      expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
        'The relay could not reach the image provider. Try again in a minute; if it keeps failing, tell your admin.',
      );
    } finally {
      await relay.close();
    }
  });
});
