import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../emulator/main';
import { TokenFiles } from '../../relay/store/disk/token-files';
import { createToken } from '../../relay/tokens';
import { type HoldingProxy, startHoldingProxy } from '../helpers/holding-proxy';
import { temporaryDataDir } from '../helpers/relay-process';
import { type RunningRelay, startRelay } from '../helpers/relay-server';
import { ARTIFACTS, clickLayer, configureRelay, layers, openPluginWithRelay, pluginUi, type Stack, startStack, upstreamTo } from './harness';

async function generate(page: Page, layer: string, prompt: string): Promise<void> {
  const ui = pluginUi(page);
  await clickLayer(page, layer);
  await ui.getByRole('textbox', { name: 'Prompt' }).fill(prompt);
  await ui.getByRole('button', { name: 'Generate' }).click();
}

/** What clientStorage holds of the pending jobs, as the emulator keeps it for the user. */
function pendingJobs(page: Page): Promise<{ jobId?: string }[]> {
  return page.evaluate(() => (((window as unknown as { emulator: Emulator }).emulator.figma.storage.get('jobs') as { pending: unknown[] } | undefined)?.pending ?? []) as { jobId?: string }[]);
}

function storedSettings(page: Page): Promise<unknown> {
  return page.evaluate(() => (window as unknown as { emulator: Emulator }).emulator.figma.storage.get('settings'));
}

async function resultCount(page: Page, prompt: string): Promise<number> {
  return (await layers(page)).filter((layer) => layer.name === prompt).length;
}

/** Closing the plugin mid-generation and opening it again, in the same file. */
async function reopen(page: Page): Promise<void> {
  await page.reload();
  await pluginUi(page).getByRole('button', { name: 'Generate' }).waitFor();
}

/** Opens the other sample file of the playground, which closes the plugin as switching files in Figma does. */
async function openFile(page: Page, key: string): Promise<void> {
  await page.getByLabel('File').selectOption(key);
  await page.waitForURL(new RegExp(`file=${key}`));
  await pluginUi(page).getByRole('button', { name: 'Generate' }).waitFor();
}

function fillTypes(page: Page, id: string): Promise<string[] | undefined> {
  return page.evaluate((nodeId) => {
    const node = (window as unknown as { emulator: Emulator }).emulator.figma.findNode((candidate) => candidate.id === nodeId);
    return node && (node as unknown as { fills: Paint[] }).fills.map((paint) => paint.type);
  }, id);
}

describe('jobs resumed when the plugin opens again', { timeout: 60_000 }, () => {
  const tokens = { a: new TokenFiles(temporaryDataDir()), b: new TokenFiles(temporaryDataDir()) };
  let stack: Stack;
  let relayA: RunningRelay;
  let relayB: RunningRelay;
  let proxy: HoldingProxy;

  beforeAll(async () => {
    stack = await startStack({ provider: { delayMs: 2500 } });
    relayA = await startRelay({ upstream: upstreamTo(stack.provider), access: { tokens: tokens.a, loopback: true } });
    relayB = await startRelay({ upstream: upstreamTo(stack.provider), access: { tokens: tokens.b, loopback: true } });
    proxy = await startHoldingProxy(stack.relay.url);
    for (const url of [relayA.url, relayB.url, proxy.url]) stack.emulator.allowDevDomain(url);
  });

  afterAll(async () => {
    await proxy.close();
    await relayA.close();
    await relayB.close();
    await stack.close();
    await Promise.all([tokens.a.flush(), tokens.b.flush()]);
  });

  it('places, once, an image whose submit reached the relay but whose answer never reached the closed panel', async () => {
    const calls = stack.provider.calls.length;
    const { page } = await openPluginWithRelay(stack, proxy.url);
    await generate(page, 'Logo', 'Logo carved in marble');
    await expect.poll(() => stack.provider.calls.length, { timeout: 10_000 }).toBe(calls + 1);
    expect(proxy.held).toBe(1);

    await reopen(page);
    await expect.poll(() => resultCount(page, 'Logo carved in marble'), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => pendingJobs(page)).toEqual([]);
    expect(stack.provider.calls.length).toBe(calls + 1);
  });

  it('asks for a resumed job at its own relay with its own token after the designer switched relays', async () => {
    const tokenA = await createToken(tokens.a, 'ana-at-a');
    const tokenB = await createToken(tokens.b, 'ana-at-b');
    const { page } = await openPluginWithRelay(stack, relayA.url, tokenA);
    await generate(page, 'Logo', 'Logo in neon tubes');
    await expect.poll(async () => (await pendingJobs(page)).some((job) => job.jobId !== undefined), { timeout: 10_000 }).toBe(true);
    await configureRelay(page, relayB.url, tokenB);
    await expect.poll(() => storedSettings(page)).toMatchObject({ relayUrl: relayB.url, accessToken: tokenB });

    await reopen(page);
    await expect.poll(() => resultCount(page, 'Logo in neon tubes'), { timeout: 20_000 }).toBe(1);
    // Settings' token check (/v1/me) and the team presets (/v1/presets) follow the fields as they are typed; the job's own calls are what is checked here.
    const jobCalls = (relay: RunningRelay) =>
      relay.logs
        .map((line) => JSON.parse(line) as { method?: string; path?: string; client?: string; status?: number })
        .filter((line) => line.path?.startsWith('/v1/') && line.path !== '/v1/me' && line.path !== '/v1/presets');
    // CORS preflights carry no token; every other call to relay A carried the token made for it, and none was refused.
    const withToken = jobCalls(relayA).filter((line) => line.method !== 'OPTIONS');
    expect(new Set(withToken.map((line) => line.client))).toEqual(new Set(['ana-at-a']));
    expect(withToken.filter((line) => line.status === 401)).toEqual([]);
    expect(jobCalls(relayB)).toEqual([]);
  });

  it('replaces a layer only in the file the job was started in, and the other file says a result waits elsewhere', async () => {
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url);
    await clickLayer(page, 'Product card');
    await ui.getByRole('checkbox', { name: /Replace the selected layer/ }).check();
    await ui.getByRole('textbox', { name: 'Prompt' }).fill('Card as a watercolor');
    await ui.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(async () => (await pendingJobs(page)).some((job) => job.jobId !== undefined), { timeout: 10_000 }).toBe(true);
    const card = (await layers(page)).find((layer) => layer.name === 'Product card')!;

    await openFile(page, 'events');
    const poster = (await layers(page)).find((layer) => layer.id === card.id)!;
    expect(poster.name).toBe('Concert poster');
    await ui.getByText('1 result waits in another file').waitFor({ timeout: 10_000 });
    await page.getByRole('region', { name: 'Plugin window' }).screenshot({ path: resolve(ARTIFACTS, 'plugin-waiting-in-another-file.png') });
    expect(await fillTypes(page, card.id)).toEqual(['GRADIENT_LINEAR']);

    await openFile(page, 'shop');
    await expect.poll(() => fillTypes(page, card.id), { timeout: 20_000 }).toEqual(['GRADIENT_LINEAR', 'IMAGE']);
    await expect.poll(() => pendingJobs(page)).toEqual([]);
    expect(await ui.getByText('waits in another file').count()).toBe(0);
  });
});
