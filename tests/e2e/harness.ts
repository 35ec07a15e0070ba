import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Browser, chromium, type FrameLocator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Emulator } from '../../emulator/main';
import { type RunningEmulator, startEmulator } from '../../emulator/serve';
import { liveUpstream, type Upstream } from '../../relay/upstream';
import { type FakeLlmEasy, type FakeLlmEasyOptions, startFakeLlmEasy } from '../fakes/fake-llmeasy';
import { type RelayServerOptions, type RunningRelay, startRelay } from '../helpers/relay-server';

export const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');

/** Debian's Chromium, headless, with nothing reaching out of the machine. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu'],
  });
}

export interface Playground {
  emulator: RunningEmulator;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * The emulator and Chromium, for a caller that brings its own relay (the benchmark does). The plugin
 * may reach the origins given, as if manifest.json's devAllowedDomains listed them.
 */
export async function startPlayground(devAllowedDomains: string[] = []): Promise<Playground> {
  const [emulator, browser] = await Promise.all([startEmulator({ port: 0, devAllowedDomains }), launchChromium()]);
  await mkdir(ARTIFACTS, { recursive: true });
  return {
    emulator,
    browser,
    close: async () => {
      await browser.close();
      await emulator.close();
    },
  };
}

const PROVIDER_KEY = 'sk-e2e-provider-key';

/** The relay's way to the fake provider, holding the provider's key. */
export function upstreamTo(provider: FakeLlmEasy): Upstream {
  return liveUpstream({ baseUrl: provider.baseUrl, apiKey: PROVIDER_KEY });
}

export interface Stack extends Playground {
  provider: FakeLlmEasy;
  relay: RunningRelay;
}

/** A fake provider answer that refuses `prompt` as the provider's safety system does, with `message`. */
export function refusing(prompt: string, message: string): FakeLlmEasyOptions['respond'] {
  return (call, res) => {
    if (call.fields.prompt[0] !== prompt) return false;
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message, type: 'image_generation_user_error', param: null, code: 'moderation_blocked' } }));
    return true;
  };
}

/** The strict fake provider, the real relay in front of it (which the manifest lets the plugin reach), the emulator and Chromium: all on loopback. */
export async function startStack(options: { provider?: Omit<FakeLlmEasyOptions, 'apiKey'>; relay?: Omit<RelayServerOptions, 'upstream'> } = {}): Promise<Stack> {
  const provider = await startFakeLlmEasy({ apiKey: PROVIDER_KEY, ...options.provider });
  const relay = await startRelay({ upstream: upstreamTo(provider), ...options.relay });
  const playground = await startPlayground([relay.url]);
  return {
    ...playground,
    provider,
    relay,
    close: async () => {
      await playground.close();
      await relay.close();
      await provider.close();
    },
  };
}

/** The plugin's UI inside the emulated Figma window. */
export function pluginUi(page: Page): FrameLocator {
  return page.frameLocator('iframe[title="Reimage"]');
}

/** Opens the emulator in a fresh browser profile and waits for the plugin's panel. */
export async function openFigma(playground: Playground): Promise<Page> {
  const context = await playground.browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`emulator page error: ${error.message}`));
  await page.goto(playground.emulator.url);
  await pluginUi(page).getByRole('button', { name: 'Generate' }).waitFor();
  return page;
}

/** Opens Settings with the header's gear, unless it is open already. */
export async function openSettings(ui: FrameLocator): Promise<void> {
  const gear = ui.getByRole('button', { name: 'Settings' });
  if ((await gear.getAttribute('aria-expanded')) !== 'true') await gear.click();
}

/** Opens the settings, when they are folded away, and sets the relay and token as a designer types them. */
export async function configureRelay(page: Page, relayUrl: string, accessToken = ''): Promise<void> {
  const ui = pluginUi(page);
  await openSettings(ui);
  const field = ui.getByLabel('Relay URL');
  await field.fill(relayUrl);
  await field.press('Tab');
  const token = ui.getByLabel('Access token');
  await token.fill(accessToken);
  await token.press('Tab');
  // clientStorage takes milliseconds, as Figma's does: the settings are set once the last save has
  // landed. Waited for without Vitest's expect, so that the bench's plugin path can set a relay too.
  const stored = () =>
    page.evaluate(() => (window as unknown as { emulator: Emulator }).emulator.figma.storage.get('settings') as { relayUrl?: string; accessToken?: string } | undefined);
  for (const deadline = Date.now() + 5_000; ; ) {
    const settings = await stored();
    if (settings?.relayUrl === relayUrl && settings.accessToken === accessToken) return;
    if (Date.now() > deadline) throw new Error(`The settings were not stored within 5 s: clientStorage holds ${JSON.stringify(settings)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The playground open with the plugin pointed at a relay, as a designer leaves it once set up. */
export async function openPluginWithRelay(playground: Playground, relayUrl: string, accessToken = '') {
  const page = await openFigma(playground);
  await configureRelay(page, relayUrl, accessToken);
  return { page, ui: pluginUi(page) };
}

type Layers = ReturnType<Emulator['layers']>;

/** The page's top-level layers as the emulator's document holds them. */
export function layers(page: Page): Promise<Layers> {
  return page.evaluate(() => (window as unknown as { emulator: Emulator }).emulator.layers());
}

/** The decoded size of an image Figma holds, by its hash. */
export function imageSize(page: Page, hash: string): Promise<{ width: number; height: number } | undefined> {
  return page.evaluate((h) => (window as unknown as { emulator: Emulator }).emulator.imageSize(h), hash);
}

/** Clicks a top-level layer on the canvas; with `add`, shift-clicks it into the selection. */
export async function clickLayer(page: Page, name: string, add = false): Promise<void> {
  const box = await page.evaluate((layer) => (window as unknown as { emulator: Emulator }).emulator.screenBox(layer), name);
  if (!box) throw new Error(`No layer named ${name} on the canvas`);
  if (add) await page.keyboard.down('Shift');
  await page.mouse.click(box.x + Math.min(12, box.width / 2), box.y + Math.min(12, box.height / 2));
  if (add) await page.keyboard.up('Shift');
}

/** Clicks a spot of the canvas where no layer is, clearing the selection. */
export async function clickEmptyCanvas(page: Page): Promise<void> {
  const canvas = await page.getByRole('img', { name: 'Canvas' }).boundingBox();
  if (!canvas) throw new Error('The canvas is not on the page');
  await page.mouse.click(canvas.x + 8, canvas.y + canvas.height - 8);
}

/** The emulator's view centre, where Figma puts what it creates without a selection. */
export function viewportCenter(page: Page): Promise<{ x: number; y: number }> {
  return page.evaluate(() => ({ ...(window as unknown as { emulator: Emulator }).emulator.figma.viewport.center }));
}

/** Switches the playground to Figma's light or dark theme and waits for the panel to follow. */
export async function switchTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  const toggle = page.getByRole('button', { name: 'Dark theme' });
  if ((await toggle.getAttribute('aria-pressed')) !== String(theme === 'dark')) await toggle.click();
  await expect.poll(() => pluginUi(page).locator('html').getAttribute('class')).toContain(`figma-${theme}`);
}

/** Writes the playground and the plugin window, as they look now, to test-artifacts/. */
/** Waits until the emulator's canvas shows every layer's pixels: it draws them in the background. */
export async function canvasDrawn(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { emulator: Emulator }).emulator.canvasSettled(), undefined, { timeout: 20_000 });
}

export async function screenshots(page: Page, name: string, theme: 'light' | 'dark'): Promise<void> {
  await canvasDrawn(page);
  await page.screenshot({ path: resolve(ARTIFACTS, `playground-${name}-${theme}.png`) });
  await page.getByRole('region', { name: 'Plugin window' }).screenshot({ path: resolve(ARTIFACTS, `plugin-${name}-${theme}.png`) });
}

export function selectionNames(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { emulator: Emulator }).emulator.selection());
}

export type Notification = { message: string; error: boolean };

export const notifications = (page: Page): Promise<Notification[]> => page.evaluate(() => (window as unknown as { emulator: Emulator }).emulator.figma.notifications);

/** Runs Quick edit from the playground's menu as Quick Actions does: a prompt, no size. */
export async function quickEdit(page: Page, prompt: string): Promise<void> {
  const answers = [prompt, ''];
  page.on('dialog', (dialog) => void dialog.accept(answers.shift()));
  await page.getByRole('combobox', { name: 'Plugin command' }).selectOption({ label: 'Quick edit' });
  await page.getByRole('button', { name: 'Run Reimage' }).click();
}

/** The notifications of the run, once it has closed the plugin. */
export async function endOfRun(page: Page): Promise<Notification[]> {
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { emulator: Emulator }).emulator.figma.closedWith !== null), { timeout: 20_000 })
    .toBe(true);
  return notifications(page);
}
