import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { encode } from 'fast-png';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../emulator/main';
import { DEFAULT_REQUEST_LIMITS, MB } from '../../relay/request-limits';
import { liveUpstream } from '../../relay/upstream';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { startRelay, type RunningRelay } from '../helpers/relay-server';
import { clickLayer, configureRelay, openFigma, type Playground, pluginUi, startPlayground } from './harness';

const API_KEY = 'sk-e2e-errors';
const REFUSED_PROMPT = 'Put a real celebrity in this ad';
const MODERATION_MESSAGE = 'Your request was rejected as a result of our safety system.';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** A 1024×1024 photo of noise: its PNG does not compress, so it weighs about 4 MB. */
function noisePhotoBase64(): string {
  const data = new Uint8Array(1024 * 1024 * 4);
  let state = 2463534242;
  for (let i = 0; i < data.length; i++) {
    // xorshift32: no PNG filter predicts it
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    data[i] = i % 4 === 3 ? 255 : state & 255;
  }
  return Buffer.from(encode({ width: 1024, height: 1024, data, channels: 4, depth: 8 })).toString('base64');
}

async function generate(page: Page, layer: string, prompt: string): Promise<string> {
  const ui = pluginUi(page);
  await clickLayer(page, layer);
  await ui.getByRole('textbox', { name: 'Prompt' }).fill(prompt);
  await ui.getByRole('button', { name: 'Generate' }).click();
  const alert = ui.getByRole('alert');
  await alert.waitFor({ timeout: 20_000 });
  return alert.innerText();
}

describe('errors a designer can meet, shown in words that say what to do', () => {
  let provider: FakeLlmEasy;
  let relay: RunningRelay;
  let playground: Playground;

  beforeAll(async () => {
    provider = await startFakeLlmEasy({
      apiKey: API_KEY,
      respond: (call, res) => {
        if (call.fields.prompt[0] !== REFUSED_PROMPT) return false;
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: MODERATION_MESSAGE, type: 'image_generation_user_error', param: null, code: 'moderation_blocked' } }));
        return true;
      },
    });
    relay = await startRelay({
      upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }),
      limits: { ...DEFAULT_REQUEST_LIMITS, maxTotalImageBytes: 2 * MB },
    });
    playground = await startPlayground();
  });

  afterAll(async () => {
    await playground.close();
    await relay.close();
    await provider.close();
  });

  it('says the relay is not answering and how to start it or fix its address', async () => {
    const page = await openFigma(playground);
    const relayUrl = `http://127.0.0.1:${await closedPort()}`;
    await configureRelay(page, relayUrl);
    const message = await generate(page, 'Logo', 'Make it chrome');
    expect(message).toContain(`Can't reach the relay at ${relayUrl}`);
    expect(message).toMatch(/npm start/);
    expect(message).toMatch(/Relay URL in Settings/);
  });

  it('says the references are too large and to select fewer or smaller layers', async () => {
    const page = await openFigma(playground);
    await configureRelay(page, relay.url);
    await page.evaluate((base64) => {
      const { figma } = (window as unknown as { emulator: Emulator }).emulator;
      const image = figma.createImage(Uint8Array.from(atob(base64), (char) => char.charCodeAt(0)));
      const photo = figma.addFrame('Big photo', { x: 700, y: 0, width: 1024, height: 1024 });
      photo.fills = [{ type: 'IMAGE', imageHash: image.hash, scaleMode: 'FILL' }];
    }, noisePhotoBase64());
    await page.getByRole('button', { name: 'Zoom to fit' }).click();
    const calls = provider.calls.length;
    const message = await generate(page, 'Big photo', 'Make it a poster');
    expect(message).toMatch(/at most 2 MB/);
    expect(message).toMatch(/Select fewer or smaller layers/);
    expect(provider.calls.length).toBe(calls);
  });

  it('shows the provider’s refusal and says to change the prompt or references', async () => {
    const page = await openFigma(playground);
    await configureRelay(page, relay.url);
    const message = await generate(page, 'Product card', REFUSED_PROMPT);
    expect(message).toContain(MODERATION_MESSAGE);
    expect(message).toMatch(/[Cc]hange the prompt/);
  });
});
