import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveUpstream } from '../../relay/upstream';
import { mappedSize, startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { decodedSize, solidPng } from '../fakes/png';
import { startRelay, type RunningRelay } from '../helpers/relay-server';

const API_KEY = 'sk-test-sdk-key';

describe('the official openai SDK as a client of the relay', () => {
  let provider: FakeLlmEasy;
  let relay: RunningRelay;
  let client: OpenAI;

  beforeAll(async () => {
    provider = await startFakeLlmEasy({ apiKey: API_KEY });
    relay = await startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }) });
    client = new OpenAI({ baseURL: `${relay.url}/v1`, apiKey: 'not-the-provider-key', maxRetries: 0 });
  });

  afterAll(async () => {
    await relay.close();
    await provider.close();
  });

  const png = (name: string, width: number) => toFile(Buffer.from(solidPng(width, 32)), name, { type: 'image/png' });

  it('edits with one image and gets the PNG back', async () => {
    const result = await client.images.edit({ model: 'gpt-image-2', image: await png('cat.png', 32), prompt: 'Add a hat', size: '1024x1536' });
    const bytes = new Uint8Array(Buffer.from(result.data![0].b64_json!, 'base64'));
    expect(decodedSize(bytes)).toEqual(mappedSize('1024x1536'));
    expect(provider.calls.at(-1)!.images).toHaveLength(1);
  });

  it('edits with three images and gets the PNG back', async () => {
    const images = await Promise.all([png('a.png', 10), png('b.png', 20), png('c.png', 30)]);
    const result = await client.images.edit({ model: 'gpt-image-2', image: images, prompt: 'Combine them', size: '1024x1024' });
    const bytes = new Uint8Array(Buffer.from(result.data![0].b64_json!, 'base64'));
    expect(decodedSize(bytes)).toEqual(mappedSize('1024x1024'));
    expect(provider.calls.at(-1)!.images.map((i) => [i.field, i.width])).toEqual([['image[]', 10], ['image[]', 20], ['image[]', 30]]);
  });

  it('surfaces a relay refusal as an SDK error with the message', async () => {
    const error = await client.images.edit({ model: 'gpt-image-2', image: await png('a.png', 5), prompt: ' ' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('Write a prompt');
  });
});
