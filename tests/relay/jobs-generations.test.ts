import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { demoUpstream } from '../../relay/demo-upstream';
import { liveUpstream } from '../../relay/upstream';
import { mappedSize, startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { decodedSize } from '../fakes/png';
import { fetchBytes, submittedJobId, waitForJob, type ErrorBody } from '../helpers/job-client';
import { startRelay, type RunningRelay } from '../helpers/relay-server';

const API_KEY = 'sk-test-generations';

function generate(relay: RunningRelay, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${relay.url}/v1/images/generations`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

describe('text to image through /v1/images/generations', () => {
  let provider: FakeLlmEasy | undefined;
  let relay: RunningRelay;

  async function start() {
    provider = await startFakeLlmEasy({ apiKey: API_KEY });
    relay = await startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }) });
  }

  afterEach(async () => {
    await relay.close();
    await provider?.close();
    provider = undefined;
  });

  it('answers synchronously, OpenAI-style, with the PNG at the size the provider chose', async () => {
    await start();

    const response = await generate(relay, { prompt: 'A lighthouse at dusk', size: '1536x1024' });
    const body = (await response.json()) as { created: number; data: { b64_json: string }[] };

    expect(response.status).toBe(200);
    expect(typeof body.created).toBe('number');
    expect(decodedSize(Buffer.from(body.data[0].b64_json, 'base64'))).toEqual(mappedSize('1536x1024'));
  });

  it('sends the provider exactly the documented JSON, forcing the fixed fields and dropping other options', async () => {
    await start();

    const response = await generate(relay, {
      prompt: 'A lighthouse', size: '1024x1024', model: 'dall-e-3', n: 1, response_format: 'url', quality: 'hd', style: 'vivid', user: 'u1',
    });

    expect(response.status).toBe(200);
    expect(provider!.calls[0]).toMatchObject({
      endpoint: 'generations',
      fields: { model: ['gpt-image-2'], prompt: ['A lighthouse'], n: ['1'], size: ['1024x1024'], response_format: ['b64_json'], output_format: ['png'] },
      authorization: `Bearer ${API_KEY}`,
    });
  });

  it('runs as a job with Prefer: respond-async and serves the image', async () => {
    await start();

    const submit = await generate(relay, { prompt: 'A lighthouse', size: '1024x1536' }, { Prefer: 'respond-async' });
    const id = await submittedJobId(submit);
    const job = await waitForJob(relay.url, id, 5);
    const { response, bytes } = await fetchBytes(`${relay.url}${job.image!.url}`);

    expect(job).toMatchObject({ status: 'succeeded', kind: 'generate', image: mappedSize('1024x1536') });
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(decodedSize(bytes)).toEqual(mappedSize('1024x1536'));
    expect(provider!.calls).toHaveLength(1);
  });

  it('refuses a request without a prompt, naming the field, without calling the provider', async () => {
    await start();

    const response = await generate(relay, { size: '1024x1024' });

    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody & { error: { param: string } }).error.param).toBe('prompt');
    expect(provider!.calls).toHaveLength(0);
  });

  it('refuses more than one image per request', async () => {
    await start();

    const response = await generate(relay, { prompt: 'p', n: 2 });

    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.message).toContain('one image per request');
  });

  it('takes the JSON media type in any case, as media types are case-insensitive', async () => {
    await start();

    const response = await generate(relay, { prompt: 'A lighthouse', size: '1024x1024' }, { 'Content-Type': 'Application/JSON; charset=UTF-8' });

    expect(response.status).toBe(200);
    expect(provider!.calls).toHaveLength(1);
  });

  it('refuses a body that is not JSON', async () => {
    await start();

    const response = await fetch(`${relay.url}/v1/images/generations`, { method: 'POST', body: 'prompt=p', headers: { 'Content-Type': 'text/plain' } });

    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.message).toContain('application/json');
  });

  it('serves the official openai SDK', async () => {
    await start();
    const client = new OpenAI({ baseURL: `${relay.url}/v1`, apiKey: 'not-the-provider-key', maxRetries: 0 });

    const result = await client.images.generate({ model: 'gpt-image-2', prompt: 'A lighthouse', size: '1024x1024' });

    expect(decodedSize(Buffer.from(result.data![0].b64_json!, 'base64'))).toEqual(mappedSize('1024x1024'));
  });

  it('answers in demo mode with a picture at the requested size', async () => {
    relay = await startRelay({ upstream: demoUpstream(), mode: 'demo' });

    const response = await generate(relay, { prompt: 'A lighthouse', size: '1152x1536' });
    const body = (await response.json()) as { data: { b64_json: string }[] };

    expect(decodedSize(Buffer.from(body.data[0].b64_json, 'base64'))).toEqual({ width: 1152, height: 1536 });
  });
});
