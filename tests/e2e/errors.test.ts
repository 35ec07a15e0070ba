import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noisePng } from '../fakes/noise-png';
import type { Emulator } from '../../emulator/main';
import { DEFAULT_REQUEST_LIMITS, MB } from '../../relay/request-limits';
import { TokenFiles } from '../../relay/store/disk/token-files';
import { createToken } from '../../relay/tokens';
import { temporaryDataDir } from '../helpers/relay-process';
import { startRelay, type RunningRelay } from '../helpers/relay-server';
import { clickLayer, configureRelay, openPluginWithRelay, pluginUi, type Stack, refusing, startStack, upstreamTo } from './harness';

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

async function generate(page: Page, layer: string, prompt: string): Promise<string> {
  const ui = pluginUi(page);
  await clickLayer(page, layer);
  await ui.getByRole('textbox', { name: 'Prompt' }).fill(prompt);
  await ui.getByRole('button', { name: 'Generate' }).click();
  const alert = ui.getByRole('alert');
  await alert.waitFor({ timeout: 20_000 });
  return alert.innerText();
}

describe('errors a designer can meet, shown in words that say what to do', { timeout: 60_000 }, () => {
  const tokens = new TokenFiles(temporaryDataDir());
  let stack: Stack;
  let guardedRelay: RunningRelay;

  beforeAll(async () => {
    stack = await startStack({
      provider: { respond: refusing(REFUSED_PROMPT, MODERATION_MESSAGE) },
      relay: { limits: { ...DEFAULT_REQUEST_LIMITS, maxTotalImageBytes: 2 * MB } },
    });
    guardedRelay = await startRelay({ upstream: upstreamTo(stack.provider), access: { tokens, loopback: true } });
    stack.emulator.allowDevDomain(guardedRelay.url);
  });

  afterAll(async () => {
    await guardedRelay.close();
    await tokens.flush();
    await stack.close();
  });

  // Retry uses the relay and token in Settings now.
  it('after the Relay URL is fixed, Retry goes to the new relay and nothing shows the old one', async () => {
    const wrongUrl = 'http://127.0.0.1:9';
    stack.emulator.allowDevDomain(wrongUrl);
    const { page, ui } = await openPluginWithRelay(stack, wrongUrl);
    await clickLayer(page, 'Logo');
    await ui.getByRole('textbox', { name: 'Prompt' }).fill('Make it chrome');
    await ui.getByRole('button', { name: 'Generate' }).click();
    const row = ui.getByRole('status').first();
    await expect.poll(() => row.innerText(), { timeout: 20_000 }).toContain(`Can't reach the relay at ${wrongUrl}`);

    await configureRelay(page, stack.relay.url);
    await ui.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => row.innerText(), { timeout: 20_000 }).toMatch(/Placed/);
    expect(await ui.locator('main').innerText()).not.toContain(wrongUrl);
  });

  it('after a wrong token is replaced, Retry sends the new one', async () => {
    const token = await createToken(tokens, 'bea');
    const { page, ui } = await openPluginWithRelay(stack, guardedRelay.url, 'rmg_mistyped');
    await clickLayer(page, 'Logo');
    await ui.getByRole('textbox', { name: 'Prompt' }).fill('Make it chrome');
    await ui.getByRole('button', { name: 'Generate' }).click();
    const row = ui.getByRole('status').first();
    await expect.poll(() => row.innerText(), { timeout: 20_000 }).toContain('The relay rejected your access token');

    await configureRelay(page, guardedRelay.url, token);
    await ui.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => row.innerText(), { timeout: 20_000 }).toMatch(/Placed/);
  });

  it('says the relay is not answering and how to start it or fix its address', async () => {
    const relayUrl = `http://127.0.0.1:${await closedPort()}`;
    stack.emulator.allowDevDomain(relayUrl);
    const { page } = await openPluginWithRelay(stack, relayUrl);
    const message = await generate(page, 'Logo', 'Make it chrome');
    expect(message).toContain(`Can't reach the relay at ${relayUrl}`);
    expect(message).toMatch(/npm start/);
    expect(message).toMatch(/Relay URL in Settings/);
  });

  it('says the relay rejected the access token and to ask the admin for a new one in Settings', async () => {
    await createToken(tokens, 'ana');
    const { page } = await openPluginWithRelay(stack, guardedRelay.url, 'rmg_revoked-or-mistyped');
    const message = await generate(page, 'Logo', 'Make it chrome');
    expect(message).toContain('The relay rejected your access token');
    expect(message).toMatch(/ask your admin for a new one and paste it in Settings/);
  });

  it('refuses references too large for the relay while exporting them, with the numbers, before any upload', async () => {
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url);
    await page.evaluate((base64) => {
      const { figma } = (window as unknown as { emulator: Emulator }).emulator;
      const image = figma.createImage(Uint8Array.from(atob(base64), (char) => char.charCodeAt(0)));
      for (const [name, x] of [['Big photo', 700], ['Other photo', 1800]] as const) {
        const photo = figma.addFrame(name, { x, y: 0, width: 1024, height: 1024 });
        photo.fills = [{ type: 'IMAGE', imageHash: image.hash, scaleMode: 'FILL' }];
      }
    }, Buffer.from(noisePng(1024, 1024)).toString('base64'));
    await page.getByRole('button', { name: 'Zoom to fit' }).click();
    const uploads = () => stack.relay.logs.filter((line) => JSON.parse(line).path === '/v1/images/edits').length;
    const before = uploads();
    await clickLayer(page, 'Big photo');
    await clickLayer(page, 'Other photo', true);
    await ui.getByRole('textbox', { name: 'Prompt' }).fill('Make them a diptych');
    await ui.getByRole('button', { name: 'Generate' }).click();
    const alert = ui.getByRole('alert');
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.innerText()).toMatch(/^These 2 layers come to about \d+(\.\d)? MB as PNGs; the relay takes at most 2 MB\. Select fewer or smaller layers\.$/);
    expect(uploads()).toBe(before);
  });

  it('says a prompt is longer than the relay takes before anything is sent', async () => {
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url);
    await clickLayer(page, 'Logo');
    await ui.getByRole('textbox', { name: 'Prompt' }).fill('a'.repeat(DEFAULT_REQUEST_LIMITS.maxPromptChars + 1));
    await expect.poll(() => ui.getByText('The prompt is 32,001 characters; the relay takes at most 32,000. Shorten it.').isVisible()).toBe(true);
    expect(await ui.getByRole('button', { name: 'Generate' }).isDisabled()).toBe(true);
  });

  it('says Figma blocked a relay that manifest.json does not list, and that networkAccess must list it', async () => {
    const unlisted = await startRelay({ upstream: upstreamTo(stack.provider) });
    try {
      const { page, ui } = await openPluginWithRelay(stack, unlisted.url);
      const blocked = `Figma blocked ${unlisted.url}: manifest.json's networkAccess must list it.`;
      await expect.poll(() => ui.getByRole('note').first().innerText(), { timeout: 10_000 }).toContain(blocked);
      const message = await generate(page, 'Logo', 'Make it chrome');
      expect(message).toContain(blocked);
      expect(message).toMatch(/to allowedDomains, or devAllowedDomains while developing/);
      expect(unlisted.logs).toEqual([]);
    } finally {
      await unlisted.close();
    }
  });

  it('shows the provider’s refusal and says to change the prompt or references', async () => {
    const { page } = await openPluginWithRelay(stack, stack.relay.url);
    const message = await generate(page, 'Product card', REFUSED_PROMPT);
    expect(message).toContain(MODERATION_MESSAGE);
    expect(message).toMatch(/[Cc]hange the prompt/);
  });
});
