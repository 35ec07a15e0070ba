import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../emulator/main';
import { ARTIFACTS, canvasDrawn, clickLayer, openPluginWithRelay, selectionNames, type Stack, startStack } from './harness';

/** A result that lands after the designer moved on, in Chromium: the toast's Show button takes them to it. */
describe('a late result in the browser', { timeout: 60_000 }, () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ provider: { delayMs: 2500 } });
  });

  afterAll(() => stack.close());

  it('leaves the designer on the page they went to, and Show takes them to the result', async () => {
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url);
    const currentPage = () => page.evaluate(() => (window as unknown as { emulator: Emulator }).emulator.currentPage());
    await clickLayer(page, 'Logo');
    await ui.getByRole('textbox', { name: 'Prompt' }).fill('Logo in gold foil');
    await ui.getByRole('button', { name: /^Generate/ }).click();
    await page.getByRole('navigation', { name: 'Layers' }).getByRole('button', { name: 'Archive' }).click();
    await clickLayer(page, 'Sale sticker');

    const toast = page.getByRole('status').filter({ hasText: 'Reimage: image placed on page “Page 1”' });
    await toast.waitFor({ timeout: 20_000 });
    expect(await currentPage()).toBe('Archive');
    expect(await selectionNames(page)).toEqual(['Sale sticker']);
    await canvasDrawn(page);
    await page.screenshot({ path: resolve(ARTIFACTS, 'playground-late-result.png') });

    await toast.getByRole('button', { name: 'Show' }).click();
    await expect.poll(currentPage).toBe('Page 1');
    expect(await selectionNames(page)).toEqual(['Logo in gold foil']);
    await expect.poll(() => toast.isVisible()).toBe(false);
  });
});
