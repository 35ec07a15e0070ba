import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mappedSize } from '../fakes/fake-llmeasy';
import { clickLayer, layers, openPluginWithRelay, pluginUi, screenshots, selectionNames, type Stack, startStack, switchTheme } from './harness';

const PROMPT = 'Summer sale, bold type';

/** Issue 12 point 5 in Chromium: rows of results land near their sources, named apart, at the selection's ratio. */
describe('results land near their sources, named apart', { timeout: 90_000 }, () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(() => stack.close());

  it('offers the size closest to the banner’s ratio, and puts a second row of variants below the banner, not past the first row', async () => {
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url);
    const size = ui.getByRole('combobox', { name: 'Size' });
    await clickLayer(page, 'Logo');
    await expect.poll(() => size.inputValue()).toBe('1024x1024');
    await clickLayer(page, 'Hero banner');
    // 540 × 300 is 1.8:1, nearest to 16:9.
    await expect.poll(() => size.inputValue()).toBe('2048x1152');

    await ui.getByRole('textbox', { name: 'Prompt' }).fill(PROMPT);
    await ui.getByRole('combobox', { name: 'Variants' }).selectOption('2');
    for (const _row of [1, 2]) {
      await clickLayer(page, 'Hero banner');
      await ui.getByRole('button', { name: 'Generate 2' }).click();
      await expect.poll(() => selectionNames(page), { timeout: 30_000 }).toEqual([`${PROMPT} · 1`, `${PROMPT} · 2`]);
    }

    const all = await layers(page);
    const banner = all.find((layer) => layer.name === 'Hero banner')!;
    // In reading order: the layers list follows the order the variants happened to finish in.
    const results = all.filter((layer) => layer.name.startsWith(PROMPT)).sort((a, b) => a.y - b.y || a.x - b.x);
    const { width, height } = mappedSize('2048x1152');
    expect(results.map((r) => [r.name, r.x, r.y, r.width, r.height])).toEqual([
      // The first row: right of the banner, top-aligned.
      [`${PROMPT} · 1`, banner.x + banner.width + 40, banner.y, width, height],
      [`${PROMPT} · 2`, banner.x + banner.width + 40 + width + 40, banner.y, width, height],
      // The second: under the banner, left-aligned, just clear of the first row (before, it went on to x = 4,724).
      [`${PROMPT} · 1`, banner.x, banner.y + height + 40, width, height],
      [`${PROMPT} · 2`, banner.x + width + 40, banner.y + height + 40, width, height],
    ]);
    expect(stack.provider.calls.slice(-4).map((call) => call.fields.size[0])).toEqual(Array(4).fill('2048x1152'));

    for (const theme of ['light', 'dark'] as const) {
      await switchTheme(page, theme);
      await screenshots(page, 'two-rows', theme);
    }
  });

  it('keeps the size the designer picked, whatever is selected next, and after the plugin opens again', async () => {
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url);
    const size = ui.getByRole('combobox', { name: 'Size' });
    await clickLayer(page, 'Hero banner');
    await expect.poll(() => size.inputValue()).toBe('2048x1152');
    await size.selectOption('1536x1024');
    await clickLayer(page, 'Logo');
    await expect.poll(() => size.inputValue()).toBe('1536x1024');

    await page.reload();
    await pluginUi(page).getByRole('button', { name: 'Generate' }).waitFor();
    await clickLayer(page, 'Logo');
    expect(await pluginUi(page).getByRole('combobox', { name: 'Size' }).inputValue()).toBe('1536x1024');
  });
});
