import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SwitchableProxy, startSwitchableProxy } from '../helpers/switchable-proxy';
import { clickLayer, layers, openPluginWithRelay, screenshots, type Stack, startStack, switchTheme } from './harness';

describe('a relay that goes down during a generation', { timeout: 90_000 }, () => {
  let stack: Stack;
  let proxy: SwitchableProxy;

  beforeAll(async () => {
    stack = await startStack({ provider: { delayMs: 4000 } });
    proxy = await startSwitchableProxy(stack.relay.url);
    stack.emulator.allowDevDomain(proxy.url);
  });

  afterAll(async () => {
    await proxy.close();
    await stack.close();
  });

  it('says so once in a banner with a live countdown and Retry now, and notices its return within 5 s', async () => {
    const { page, ui } = await openPluginWithRelay(stack, proxy.url);
    await clickLayer(page, 'Logo');
    const before = (await layers(page)).length;
    await ui.getByRole('textbox', { name: 'Prompt' }).fill('Make it chrome');
    await ui.getByRole('button', { name: 'Generate' }).click();
    const row = ui.getByRole('status').first();
    await expect.poll(() => row.innerText()).toMatch(/Generating/);
    await proxy.down();

    const banner = ui.getByRole('alert').filter({ hasText: "Can't reach the relay" });
    await banner.waitFor({ timeout: 15_000 });
    const first = await banner.innerText();
    expect(first).toMatch(new RegExp(`Can't reach the relay at ${proxy.url}: trying again (in \\d s|now)\\.`));
    // Said once: the row only says it waits.
    await expect.poll(() => row.innerText()).toMatch(/Waiting for the relay…/);
    expect(await row.innerText()).not.toContain("Can't reach");
    // The countdown moves.
    const counts = new Set<string>();
    for (let i = 0; i < 6; i++) {
      counts.add((/trying again [^.]*/.exec(await banner.innerText()) ?? [''])[0]);
      await page.waitForTimeout(500);
    }
    expect(counts.size).toBeGreaterThan(1);

    // Retry now tries at once, and the relay is still down: the countdown starts again.
    await ui.getByRole('button', { name: 'Retry now' }).click();
    await expect.poll(() => banner.innerText()).toMatch(/trying again in [34] s/);
    for (const theme of ['light', 'dark'] as const) {
      await switchTheme(page, theme);
      await screenshots(page, 'relay-down', theme);
    }

    await proxy.up();
    const back = Date.now();
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
    expect(Date.now() - back).toBeLessThan(5500);
    await expect.poll(() => row.innerText(), { timeout: 20_000 }).toMatch(/Placed/);
    expect((await layers(page)).length).toBe(before + 1);
    expect(stack.provider.calls).toHaveLength(1);
  });

  it('says an unreachable relay at once when the panel opens, and finds it back within 5 s without a click', async () => {
    await proxy.down();
    const { ui } = await openPluginWithRelay(stack, proxy.url);
    const banner = ui.getByRole('alert').filter({ hasText: "Can't reach the relay" });
    await banner.waitFor({ timeout: 10_000 });
    await proxy.up();
    const back = Date.now();
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
    expect(Date.now() - back).toBeLessThan(5500);
  });
});
