import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REQUEST_LIMITS } from '../../relay/request-limits';
import { TokenFiles } from '../../relay/store/disk/token-files';
import { createToken } from '../../relay/tokens';
import { liveUpstream } from '../../relay/upstream';
import { buildEditForm } from '../../shared/edit-form';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { solidPng } from '../fakes/png';
import { startRelayProcess, temporaryDataDir } from '../helpers/relay-process';
import { startRelay, type RunningRelay } from '../helpers/relay-server';

/** Unique per run, so that finding it anywhere can only mean it leaked. */
const API_KEY = `sk-planted-${randomUUID()}`;

/** Ways the provider can fail, each quoting the key back, as some providers do in their errors. */
const PROVIDER_ANSWERS: Record<string, (res: ServerResponse) => void> = {
  'key rejected': (res) => json(res, 401, { error: { message: `Incorrect API key provided: ${API_KEY}`, code: 'invalid_api_key' } }),
  forbidden: (res) => json(res, 403, { error: { message: `Key ${API_KEY} may not use this model` } }),
  refusal: (res) => json(res, 400, { error: { message: `Rejected by the safety system (request from ${API_KEY})`, code: 'moderation_blocked' } }),
  'rate limit': (res) => json(res, 429, { error: { message: `Quota exceeded for ${API_KEY}` } }),
  'server error': (res) => json(res, 500, { error: { message: `Internal error, key=${API_KEY}` } }),
  garbage: (res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<html>${API_KEY}</html>`),
  reset: (res) => res.socket!.destroy(),
};

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function form(overrides: { prompt?: string; size?: string; images?: Uint8Array[] } = {}): FormData {
  const images = (overrides.images ?? [solidPng(4, 4)]).map((bytes, i) => ({ filename: `r${i}.png`, bytes }));
  const body = buildEditForm({ prompt: overrides.prompt ?? 'p', size: 'auto', images });
  if (overrides.size) body.set('size', overrides.size);
  return body;
}

/** Every scenario of the relay's tests, once; returns all a client saw: statuses, headers, bodies. */
async function everyScenario(url: string, token: string, provider: { failWith?: string }): Promise<string> {
  const seen: string[] = [];
  const send = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${url}${path}`, init);
    const text = Buffer.from(await response.arrayBuffer()).toString('latin1');
    seen.push(`${response.status} ${JSON.stringify([...response.headers])} ${text}`);
    return text;
  };
  const auth = { Authorization: `Bearer ${token}` };
  const edit = (body: FormData | string, headers: Record<string, string> = auth) => send('/v1/images/edits', { method: 'POST', body, headers });

  provider.failWith = undefined;
  await edit(form());
  const submitted = await edit(form(), { ...auth, Prefer: 'respond-async' });
  const { url: jobUrl } = JSON.parse(submitted) as { url: string };
  await send(`${jobUrl}?wait=10`, { headers: auth });
  await send(`${jobUrl}/image`, { headers: auth });
  await send('/v1/images/generations', { method: 'POST', body: JSON.stringify({ prompt: 'p', size: 'auto' }), headers: { ...auth, 'content-type': 'application/json' } });

  for (const failure of Object.keys(PROVIDER_ANSWERS)) {
    provider.failWith = failure;
    await edit(form());
    const job = await edit(form(), { ...auth, Prefer: 'respond-async' });
    await send(`${(JSON.parse(job) as { url: string }).url}?wait=10`, { headers: auth });
  }
  provider.failWith = undefined;

  await edit(form({ images: Array.from({ length: 17 }, () => solidPng(2, 2)) }));
  await edit(form({ prompt: 'x'.repeat(DEFAULT_REQUEST_LIMITS.maxPromptChars + 1) }));
  await edit(form({ size: '640x480' }));
  await edit(form({ images: [new TextEncoder().encode('GIF89a not an image')] }));
  await edit('--x\r\nbroken', { ...auth, 'content-type': 'multipart/form-data; boundary=x' });
  await edit(form(), {});
  await edit(form(), { Authorization: `Bearer ${token}0` });
  await edit(form(), { Authorization: `Bearer ${API_KEY}` });
  await send('/v1/jobs/job_unknown', { headers: auth });
  await send('/v1/nothing', { headers: auth });
  await send('/v1/images/edits', { method: 'OPTIONS', headers: { Origin: 'null', 'Access-Control-Request-Method': 'POST' } });
  await send('/healthz');
  return seen.join('\n');
}

function failingProvider(state: { failWith?: string }): Promise<FakeLlmEasy> {
  return startFakeLlmEasy({
    apiKey: API_KEY,
    image: () => solidPng(8, 8),
    respond: (_call, res) => {
      if (!state.failWith) return false;
      PROVIDER_ANSWERS[state.failWith](res);
      return true;
    },
  });
}

describe('the provider key and the access tokens stay secret', () => {
  const state: { failWith?: string } = {};
  let provider: FakeLlmEasy;
  let relay: RunningRelay;
  let token: string;

  beforeAll(async () => {
    provider = await failingProvider(state);
    const tokens = new TokenFiles(temporaryDataDir());
    token = await createToken(tokens, 'alice');
    relay = await startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }), access: { tokens, loopback: false } });
  });

  afterAll(async () => {
    await relay.close();
    await provider.close();
  });

  it('never appear in a response or a log line, whatever happens', async () => {
    const seen = await everyScenario(relay.url, token, state);
    expect(provider.calls.length).toBeGreaterThan(10);
    expect(relay.logs.length).toBeGreaterThan(40);
    for (const secret of [API_KEY, token]) {
      expect(seen).not.toContain(secret);
      expect(relay.logs.join('\n')).not.toContain(secret);
    }
  });

  it('never appear in what the relay process prints', { timeout: 60_000 }, async () => {
    const dataDir = temporaryDataDir();
    const processToken = await createToken(new TokenFiles(dataDir), 'bob');
    const processProvider = await failingProvider(state);
    const process = await startRelayProcess({ HOST: '127.0.0.1', RELAY_DATA_DIR: dataDir, LLMEASY_API_KEY: API_KEY, LLMEASY_BASE_URL: processProvider.baseUrl });
    try {
      const seen = await everyScenario(`http://127.0.0.1:${process.port}`, processToken, state);
      expect(process.output()).toContain('"client":"bob"');
      for (const secret of [API_KEY, processToken]) {
        expect(seen).not.toContain(secret);
        expect(process.output()).not.toContain(secret);
      }
    } finally {
      await process.stop();
      await processProvider.close();
    }
  });
});

describe('a provider that quotes the key JSON-escaped', () => {
  /** With a `/`, which PHP-style encoders write as `\/`, and a letter any encoder may write as `\u0073`. */
  const SLASHED_KEY = `sk-planted/${randomUUID()}`;
  const ESCAPED_FORMS: Record<string, string> = {
    'slash escaped': SLASHED_KEY.replaceAll('/', '\\/'),
    'unicode escaped': SLASHED_KEY.replace('s', '\\u0073'),
  };
  let provider: FakeLlmEasy;
  let relay: RunningRelay;
  let quote = '';

  beforeAll(async () => {
    provider = await startFakeLlmEasy({
      apiKey: SLASHED_KEY,
      respond: (_call, res) => {
        res.writeHead(400, { 'content-type': 'application/json' }).end(`{"error":{"message":"Key ${quote} may not make this image","code":"key_scope"}}`);
        return true;
      },
    });
    relay = await startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: SLASHED_KEY }) });
  });

  afterAll(async () => {
    await relay.close();
    await provider.close();
  });

  for (const [name, escaped] of Object.entries(ESCAPED_FORMS)) {
    it(`hides it when ${name}, in the synchronous answer and in a job's error`, async () => {
      quote = escaped;
      const answer = await fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: form() });
      const text = await answer.text();
      expect(answer.status).toBe(400);
      expect(JSON.parse(text).error.message).toBe('The image provider refused the request: Key [the relay key] may not make this image Change the prompt or references and try again.');
      const submitted = await fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: form(), headers: { Prefer: 'respond-async' } });
      const job = await fetch(`${relay.url}${((await submitted.json()) as { url: string }).url}?wait=10`);
      const jobText = await job.text();
      for (const seen of [text, jobText, relay.logs.join('\n')]) {
        expect(seen).not.toContain(SLASHED_KEY);
        expect(seen).not.toContain(escaped);
      }
      expect(JSON.parse(jobText).error.message).toBe(JSON.parse(text).error.message);
    });
  }
});

