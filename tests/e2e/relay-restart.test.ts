import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { INTERRUPTED_MESSAGE } from '../../relay/errors';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { heldCalls, type HeldCalls } from '../helpers/held-calls';
import { firstStartToken, startRelayProcess, temporaryDataDir, type ServerProcess } from '../helpers/relay-process';
import { clickLayer, layers, openPluginWithRelay, screenshots, startPlayground, switchTheme, type Playground } from './harness';

const API_KEY = 'sk-test-restart';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * A team's relay restarted (SIGTERM, as a deploy or `systemctl restart` sends) while a designer's
 * image is being made, in the browser: the relay process is a real one, started again on the same
 * port and data directory once the old one has exited.
 */
describe('the relay restarted while the panel waits for an image', { timeout: 120_000 }, () => {
  let provider: FakeLlmEasy;
  let held: HeldCalls;
  let playground: Playground;
  let dataDir: string;
  let port: number;
  let token: string;
  const relays: ServerProcess[] = [];

  const start = async (env: Record<string, string> = {}) => {
    const relay = await startRelayProcess({ LLMEASY_API_KEY: API_KEY, LLMEASY_BASE_URL: provider.baseUrl, RELAY_DATA_DIR: dataDir, PORT: String(port), ...env });
    relays.push(relay);
    return relay;
  };
  const relayUrl = () => `http://127.0.0.1:${port}`;

  beforeAll(async () => {
    held = heldCalls();
    provider = await startFakeLlmEasy({ apiKey: API_KEY, gate: held.gate });
    port = await freePort();
    playground = await startPlayground([relayUrl()]);
  });

  afterEach(async () => {
    held.answerAll();
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
    await rm(dataDir, { recursive: true, force: true });
  });

  afterAll(async () => {
    await playground.close();
    await provider.close();
  });

  async function generateWhileHeld(prompt: string) {
    dataDir = temporaryDataDir();
    const first = await start();
    ({ token } = await firstStartToken(first));
    const { page, ui } = await openPluginWithRelay(playground, relayUrl(), token);
    await ui.getByRole('button', { name: 'Done' }).click();
    await clickLayer(page, 'Logo');
    await ui.getByRole('textbox', { name: 'Prompt' }).fill(prompt);
    await ui.getByRole('button', { name: /^Generate/ }).click();
    await expect.poll(() => held.waiting, { timeout: 20_000 }).toBe(1);
    return { page, ui, first };
  }

  it('keeps the image through the restart: the old process finishes it while it drains, and the panel places it with nothing asked of the designer', async () => {
    const { page, ui, first } = await generateWhileHeld('Logo as a neon sign');
    const exited = once(first.child, 'exit');
    first.child.kill('SIGTERM');
    // Draining: it takes no new images, and keeps making this one.
    await expect.poll(() => first.output(), { timeout: 10_000 }).toMatch(/DRAIN_TIMEOUT_SECONDS/);
    held.answerNext();
    await exited;
    // Started again on the same port and data directory, as a deploy does; the panel's last poll
    // and download reach whichever process is listening (the old one answers until it exits).
    await start();
    await expect.poll(() => ui.getByRole('status').innerText(), { timeout: 30_000 }).toMatch(/Placed \d+×\d+/);
    expect((await layers(page)).map((layer) => layer.name)).toContain('Logo as a neon sign');
    expect(provider.calls).toHaveLength(1);
  });

  it('says the image was not finished, with what to do, when the restart could not wait for it, and Retry makes it on the new process', async () => {
    const { page, ui, first } = await generateWhileHeld('Logo in stained glass');
    const exited = once(first.child, 'exit');
    // An admin who could not wait: the drain gives up on the image still being made.
    first.child.kill('SIGTERM');
    // Sent again after 2 s (sooner counts as the same signal): stop at once.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    first.child.kill('SIGTERM');
    await exited;
    // The provider call the old process made goes nowhere now.
    held.answerAll();
    await start();
    const row = ui.getByRole('status');
    await expect.poll(() => row.innerText(), { timeout: 30_000 }).toContain(INTERRUPTED_MESSAGE);
    await row.scrollIntoViewIfNeeded();
    for (const theme of ['light', 'dark'] as const) {
      await switchTheme(page, theme);
      await screenshots(page, 'relay-restarted', theme);
    }
    await ui.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => held.waiting, { timeout: 20_000 }).toBe(1);
    held.answerNext();
    await expect.poll(() => row.innerText(), { timeout: 30_000 }).toMatch(/Placed \d+×\d+/);
    expect((await layers(page)).map((layer) => layer.name)).toContain('Logo in stained glass');
  });
});
