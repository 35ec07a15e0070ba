import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickLayer, openPluginWithRelay, screenshots, type Stack, startStack, switchTheme } from './harness';

/** History lists one entry per generation, its variants as thumbnails; Settings is behind the header's gear, not below History. */
describe('History in the browser', { timeout: 90_000 }, () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ provider: { delayMs: 1_500 } });
  });

  afterAll(() => stack.close());

  it('lists three variants of one generation as one entry with three thumbnails and the time it took', async () => {
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url);
    await ui.getByRole('button', { name: 'Settings' }).click();
    await clickLayer(page, 'Hero banner');
    await ui.getByRole('textbox', { name: 'Prompt' }).fill('Turn the sunset into a neon night skyline, with rain on the street and reflections');
    await ui.getByRole('combobox', { name: 'Variants' }).selectOption('3');
    await ui.getByRole('button', { name: /^Generate/ }).click();
    await expect.poll(() => ui.getByText(/^Placed \d+×\d+/).count(), { timeout: 30_000 }).toBe(3);

    await clickLayer(page, 'Logo');
    await ui.getByRole('textbox', { name: 'Prompt' }).fill('Logo in gold leaf');
    await ui.getByRole('combobox', { name: 'Variants' }).selectOption('1');
    await ui.getByRole('button', { name: /^Generate/ }).click();
    await expect.poll(() => ui.getByText('History (2)').count(), { timeout: 30_000 }).toBe(1);

    await ui.getByText('History (2)').click();
    const generations = ui.getByRole('list', { name: 'History' }).locator(':scope > li');
    await expect.poll(() => generations.count()).toBe(2);
    const [latest, first] = [generations.nth(0), generations.nth(1)];
    expect(await latest.innerText()).toMatch(/Logo in gold leaf\s+1024×1024 · took \d+ s · 1 reference/);
    // No size was picked, so the banner's generation took the size of its ratio.
    expect(await first.innerText()).toMatch(/2048×1152 · 3 variants · took \d+ s · 1 reference/);
    await expect.poll(() => first.getByRole('list', { name: 'Variants' }).locator('img').count()).toBe(3);
    expect(await first.getByRole('button', { name: /^Place variant \d again$/ }).count()).toBe(3);
    // Each variant waits 1.5 s for the provider: the generation took at least that.
    expect(Number(/took (\d+) s/.exec(await first.innerText())![1])).toBeGreaterThanOrEqual(2);

    for (const theme of ['light', 'dark'] as const) {
      await switchTheme(page, theme);
      await screenshots(page, 'history', theme);
    }
  });

  it('keeps Settings behind the gear in the header, not below the history', async () => {
    const { ui } = await openPluginWithRelay(stack, stack.relay.url);
    const gear = ui.getByRole('button', { name: 'Settings' });
    expect(await gear.getAttribute('aria-expanded')).toBe('true');
    await gear.click();
    expect(await ui.getByLabel('Relay URL').count()).toBe(0);
    // The gear is the header's, above the prompt.
    const [gearBox, promptBox] = await Promise.all([gear.boundingBox(), ui.getByRole('textbox', { name: 'Prompt' }).boundingBox()]);
    expect(gearBox!.y).toBeLessThan(promptBox!.y);
    await gear.click();
    await ui.getByLabel('Relay URL').waitFor();
  });
});
