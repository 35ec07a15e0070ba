import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoUpstream } from '../../relay/demo-upstream';
import { liveUpstream } from '../../relay/upstream';
import { buildEditForm } from '../../shared/edit-form';
import { mappedSize, startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { decodedSize, solidPng } from '../fakes/png';
import { startRelay, type RunningRelay } from '../helpers/relay-server';

const API_KEY = 'sk-test-planted-4f1c9e0a7b';

function references(count: number) {
  return Array.from({ length: count }, (_, i) => ({ filename: `reference-${i + 1}.png`, bytes: solidPng(64 + i, 48) }));
}

async function postEdit(relay: RunningRelay, form: FormData, init: RequestInit = {}) {
  const response = await fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: form, ...init });
  return { response, body: (await response.json()) as { data?: { b64_json: string }[]; error?: { message: string; code: string; type: string } } };
}

function imageOf(body: { data?: { b64_json: string }[] }): Uint8Array {
  return new Uint8Array(Buffer.from(body.data![0].b64_json, 'base64'));
}

describe('relay against a strict fake LLMEasy', () => {
  let provider: FakeLlmEasy;
  let relay: RunningRelay;

  async function start(options: Parameters<typeof startFakeLlmEasy>[0] = { apiKey: API_KEY }, timeoutMs?: number) {
    provider = await startFakeLlmEasy(options);
    relay = await startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY, timeoutMs }) });
  }

  beforeEach(async () => {
    await start();
  });

  afterEach(async () => {
    await relay.close();
    await provider.close();
  });

  it('forwards one reference as `image` and returns the PNG at the size the provider chose', async () => {
    const { response, body } = await postEdit(relay, buildEditForm({ prompt: 'Watercolor', size: '1536x1024', images: references(1) }));
    expect(response.status).toBe(200);
    expect(decodedSize(imageOf(body))).toEqual(mappedSize('1536x1024'));
    expect(provider.calls[0].images.map((i) => i.field)).toEqual(['image']);
    expect(provider.calls[0].authorization).toBe(`Bearer ${API_KEY}`);
  });

  it('forwards three references as repeated `image[]`', async () => {
    const { response } = await postEdit(relay, buildEditForm({ prompt: 'Merge', size: '1024x1024', images: references(3) }));
    expect(response.status).toBe(200);
    expect(provider.calls[0].images.map((i) => [i.field, i.filename, i.type])).toEqual([
      ['image[]', 'reference-1.png', 'image/png'],
      ['image[]', 'reference-2.png', 'image/png'],
      ['image[]', 'reference-3.png', 'image/png'],
    ]);
  });

  it('turns a single `image[]` from an SDK into `image`, as the provider asks', async () => {
    const form = new FormData();
    form.append('prompt', 'p');
    form.append('image[]', new Blob([solidPng(8, 8) as Uint8Array<ArrayBuffer>]), 'photo');
    expect((await postEdit(relay, form)).response.status).toBe(200);
    expect(provider.calls[0].images[0]).toMatchObject({ field: 'image', filename: 'reference-1.png', type: 'image/png' });
  });

  it('forces the fixed fields and drops unknown ones', async () => {
    const form = buildEditForm({ prompt: 'p', size: 'auto', images: references(1) });
    form.set('model', 'dall-e-2');
    form.set('response_format', 'url');
    form.append('quality', 'high');
    form.append('user', 'someone');
    expect((await postEdit(relay, form)).response.status).toBe(200);
    expect(provider.calls[0].fields).toEqual({
      model: ['gpt-image-2'], prompt: ['p'], n: ['1'], size: ['auto'], response_format: ['b64_json'], output_format: ['png'],
    });
  });

  it('refuses an invalid request with a message naming the field, without calling the provider', async () => {
    const form = buildEditForm({ prompt: 'p', size: 'auto', images: references(1) });
    form.set('size', '640x480');
    const { response, body } = await postEdit(relay, form);
    expect(response.status).toBe(400);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_value' });
    expect(body.error!.message).toContain('Size must be one of');
    expect(provider.calls).toHaveLength(0);
  });

  it('refuses a body that is not multipart', async () => {
    const response = await fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: JSON.stringify({ prompt: 'p' }), headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('multipart/form-data');
  });

  it('answers CORS preflight from the plugin iframe, naming Authorization', async () => {
    const response = await fetch(`${relay.url}/v1/images/edits`, {
      method: 'OPTIONS',
      headers: { Origin: 'null', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('sends CORS headers on errors too, so the plugin can read them', async () => {
    const response = await fetch(`${relay.url}/v1/images/edits`, { method: 'POST', headers: { Origin: 'null' }, body: 'x' });
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('reports live mode in /healthz', async () => {
    const response = await fetch(`${relay.url}/healthz`);
    expect(await response.json()).toMatchObject({ status: 'ok', mode: 'live', version: 'test' });
  });

  it('answers an unknown path with a JSON 404', async () => {
    const response = await fetch(`${relay.url}/v1/images/variations`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('never shows the provider key in a response or a log line', async () => {
    const bodies: string[] = [];
    for (const form of [buildEditForm({ prompt: 'p', size: 'auto', images: references(2) }), new FormData()]) {
      const response = await fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: form });
      bodies.push(JSON.stringify([...response.headers]), await response.text());
    }
    expect(bodies.join('\n')).not.toContain(API_KEY);
    expect(relay.logs.length).toBeGreaterThan(0);
    expect(relay.logs.join('\n')).not.toContain(API_KEY);
  });

  it('aborts the provider call when the client goes away', async () => {
    await relay.close();
    await provider.close();
    await start({ apiKey: API_KEY, delayMs: 1500 });
    const controller = new AbortController();
    const pending = fetch(`${relay.url}/v1/images/edits`, {
      method: 'POST',
      body: buildEditForm({ prompt: 'p', size: 'auto', images: references(1) }),
      signal: controller.signal,
    }).catch(() => 'aborted');
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    expect(await pending).toBe('aborted');
    await expect.poll(() => provider.abandoned, { timeout: 3000 }).toBe(1);
  });

  it('answers 504 when the provider takes longer than the upstream timeout', async () => {
    await relay.close();
    await provider.close();
    await start({ apiKey: API_KEY, delayMs: 2000 }, 300);
    const { response, body } = await postEdit(relay, buildEditForm({ prompt: 'p', size: 'auto', images: references(1) }));
    expect(response.status).toBe(504);
    expect(body.error!.code).toBe('provider_timeout');
  });
});

describe('relay in demo mode', () => {
  it('answers with a transformed reference at the requested size and says it is a demo', async () => {
    const relay = await startRelay({ upstream: demoUpstream(), mode: 'demo' });
    try {
      expect(await (await fetch(`${relay.url}/healthz`)).json()).toMatchObject({ mode: 'demo' });
      const { response, body } = await postEdit(relay, buildEditForm({ prompt: 'p', size: '1152x1536', images: references(2) }));
      expect(response.status).toBe(200);
      expect(decodedSize(imageOf(body))).toEqual({ width: 1152, height: 1536 });
    } finally {
      await relay.close();
    }
  });
});
