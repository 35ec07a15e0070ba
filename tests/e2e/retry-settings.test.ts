import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../../relay/tokens';
import { temporaryDataDir } from '../helpers/relay-process';
import { startRelay, type RunningRelay } from '../helpers/relay-server';
import { clickLayer, configureRelay, openPluginWithRelay, type Stack, startStack, upstreamTo } from './harness';

describe('Retry uses the relay and token in Settings now', { timeout: 60_000 }, () => {
  const tokens = new TokenStore(temporaryDataDir());
  let stack: Stack;
  let guardedRelay: RunningRelay;

  beforeAll(async () => {
    stack = await startStack();
    guardedRelay = await startRelay({ upstream: upstreamTo(stack.provider), access: { tokens, loopback: true } });
    stack.emulator.allowDevDomain(guardedRelay.url);
  });

  afterAll(async () => {
    await guardedRelay.close();
    await tokens.flush();
    await stack.close();
  });

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
    const token = tokens.create('ana');
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
});
