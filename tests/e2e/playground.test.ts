import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { startServerProcess, temporaryDataDir, TOKEN_PATTERN, type ServerProcess } from '../helpers/relay-process';
import { clickLayer, launchChromium, pluginUi, selectionNames, openSettings } from './harness';

const START = fileURLToPath(new URL('../../emulator/start.ts', import.meta.url));
const API_KEY = 'sk-test-playground-41d2';

/** The pid of the relay `npm start` runs, its only child process. */
function relayPid(start: ServerProcess): number {
  const children = readFileSync(`/proc/${start.pid}/task/${start.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
  expect(children).toHaveLength(1);
  return children[0];
}

/** Where `npm start` says the playground is, once it has said it. */
async function pageUrl(start: ServerProcess): Promise<string> {
  for (let waited = 0; waited < 30_000; waited += 50) {
    const url = /Try it without Figma: open (http:\/\/localhost:\d+)/.exec(start.output())?.[1];
    if (url) return url;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`npm start never said where the playground is: ${start.output()}`);
}

/**
 * `npm start` as a designer runs it the first time, with a key (live mode) and PORT set: the relay
 * and the playground, against a fake provider on loopback, and nothing set up by hand.
 */
describe('npm start with a live relay on another PORT', { timeout: 90_000 }, () => {
  let provider: FakeLlmEasy;
  let start: ServerProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    provider = await startFakeLlmEasy({ apiKey: API_KEY });
    // PORT=0: the relay listens wherever the system puts it, never on the default 8787.
    start = await startServerProcess(START, [], { HOST: '127.0.0.1', PORT: '0', EMULATOR_PORT: '0', LLMEASY_API_KEY: API_KEY, LLMEASY_BASE_URL: provider.baseUrl, RELAY_DATA_DIR: temporaryDataDir() });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await page.goto(await pageUrl(start));
    await pluginUi(page).getByRole('button', { name: /^Generate/ }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await start?.stop();
    await provider?.close();
  });

  it('hands the playground the relay it started and its token: generating works with no setup', async () => {
    expect(start.port).not.toBe(8787);
    const ui = pluginUi(page);
    await clickLayer(page, 'Logo');
    await ui.getByRole('textbox', { name: 'Prompt' }).fill('Logo in gold leaf');
    await ui.getByRole('button', { name: /^Generate/ }).click();
    await expect.poll(() => selectionNames(page), { timeout: 30_000 }).toEqual(['Logo in gold leaf']);
    expect(provider.calls).toHaveLength(1);

    await openSettings(ui);
    expect(await ui.getByLabel('Relay URL').inputValue()).toBe(`http://localhost:${start.port}`);
    const token = await ui.getByLabel('Access token').inputValue();
    expect(token).toMatch(TOKEN_PATTERN);
    // The relay printed the token once, for Figma; the playground got it without it being typed.
    expect(start.output()).toContain(token);
  });

  it('keeps the playground up when the relay stops, and the panel says the relay is down', async () => {
    process.kill(relayPid(start), 'SIGKILL');
    await expect.poll(() => start.output(), { timeout: 10_000 }).toContain('the relay stopped');
    expect(start.child.exitCode).toBeNull();

    await page.reload();
    const ui = pluginUi(page);
    await ui.getByRole('button', { name: /^Generate/ }).waitFor();
    const banner = ui.getByRole('alert').filter({ hasText: `Can't reach the relay at http://localhost:${start.port}: trying again` });
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.innerText()).toMatch(/npm start[\s\S]*Relay URL in Settings/);
  });
});
