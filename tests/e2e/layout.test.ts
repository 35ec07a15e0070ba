import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../emulator/main';
import { clickEmptyCanvas, clickLayer, openFigma, openPluginWithRelay, pluginUi, screenshots, type Stack, startStack, switchTheme } from './harness';

const LONG_NAME = 'Summer campaign hero banner, final v3';

async function box(locator: Locator) {
  const found = await locator.boundingBox();
  if (!found) throw new Error('not on screen');
  return found;
}

/** What the focused element inside the panel is, by its accessible name's source. */
function focused(ui: ReturnType<typeof pluginUi>): Promise<string> {
  return ui.locator('body').evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    return element?.getAttribute('aria-label') || element?.id || element?.closest('label')?.querySelector('span')?.textContent || element?.textContent || '';
  });
}

/** The panel's copy and layout, as a designer reads it at Figma's plugin width. */
describe('the panel’s copy and layout', { timeout: 60_000 }, () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(() => stack.close());

  it('focuses the prompt when the panel opens, so a designer can type at once', async () => {
    const page = await openFigma(stack);
    await page.keyboard.type('Make it chrome');
    expect(await pluginUi(page).getByRole('textbox', { name: 'Prompt' }).inputValue()).toBe('Make it chrome');
  });

  it('lists sizes short enough for the panel, each with its use as the tooltip', async () => {
    const { ui } = await openPluginWithRelay(stack, stack.relay.url);
    const size = ui.getByRole('combobox', { name: 'Size' });
    const options = await size.locator('option').evaluateAll((all) => all.map((option) => [option.textContent, option.getAttribute('title')]));
    expect(options).toContainEqual(['1536×1024 · 3:2', 'Landscape: posters, banners, scenes']);
    expect(options).toContainEqual(['Auto', 'Let the model choose']);
    await size.selectOption('3840x2160');
    expect(await size.getAttribute('title')).toBe('4K landscape');
    // The longest label fits the menu's width without being cut.
    const [textWidth, room] = await size.evaluate((select: HTMLSelectElement) => {
      const probe = document.createElement('span');
      probe.style.font = getComputedStyle(select).font;
      probe.textContent = [...select.options].map((option) => option.textContent).sort((a, b) => b!.length - a!.length)[0];
      document.body.append(probe);
      const width = probe.offsetWidth;
      probe.remove();
      return [width, select.clientWidth - 32];
    });
    expect(textWidth).toBeLessThanOrEqual(room);
  });

  it('says "1 layer as a reference", shows a long layer name on two lines with the full name on hover, and repeats no hint', async () => {
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url);
    await ui.getByRole('button', { name: 'Settings' }).click();
    await clickEmptyCanvas(page);
    await expect.poll(() => ui.locator('.mode').innerText()).toBe('Text to image · from the prompt alone');
    // One line beside the gear, not wrapped under it.
    expect((await box(ui.locator('.mode'))).height).toBe(16);
    expect(await ui.getByRole('textbox', { name: 'Prompt' }).getAttribute('placeholder')).toBe('A paper-cut fox in a misty forest');
    const hints = await ui.locator('.hint:visible').allInnerTexts();
    expect(hints).toEqual(['Select 1 to 16 layers on the canvas to edit them instead.', '⌘/Ctrl + Enter']);

    await page.evaluate((name) => (window as unknown as { emulator: Emulator }).emulator.figma.addFrame(name, { x: 0, y: 900, width: 300, height: 200 }), LONG_NAME);
    await page.getByRole('button', { name: 'Zoom to fit' }).click();
    await clickLayer(page, LONG_NAME);
    await expect.poll(() => ui.locator('.mode').innerText()).toBe('Edit · 1 layer as a reference');
    expect(await ui.getByRole('textbox', { name: 'Prompt' }).getAttribute('placeholder')).toBe('Make it a watercolor illustration, keep the layout');
    const name = ui.getByRole('list', { name: 'Selected layers' }).getByText(LONG_NAME);
    expect(await name.getAttribute('title')).toBe(LONG_NAME);
    const lineHeight = await name.evaluate((element) => parseFloat(getComputedStyle(element).lineHeight));
    expect((await box(name)).height).toBe(2 * lineHeight);

    await clickLayer(page, 'Logo', true);
    await expect.poll(() => ui.locator('.mode').innerText()).toBe('Edit · 2 layers as references');
    for (const theme of ['light', 'dark'] as const) {
      await switchTheme(page, theme);
      await screenshots(page, 'layout', theme);
    }
  });

  it('sets Presets on the Prompt label’s line, at the field’s right edge', async () => {
    const { ui } = await openPluginWithRelay(stack, stack.relay.url);
    const [label, presets, save, prompt] = await Promise.all(
      [ui.locator('label[for="prompt"]'), ui.getByRole('combobox', { name: 'Presets' }), ui.getByRole('button', { name: 'Save prompt' }), ui.getByRole('textbox', { name: 'Prompt' })].map(box),
    );
    const middle = (b: { y: number; height: number }) => b.y + b.height / 2;
    expect(Math.abs(middle(presets) - middle(label))).toBeLessThanOrEqual(1);
    expect(Math.abs(middle(save) - middle(label))).toBeLessThanOrEqual(1);
    expect(Math.abs(save.x + save.width - (prompt.x + prompt.width))).toBeLessThanOrEqual(1);
    expect(presets.width).toBeLessThan(120);
  });

  it('tabs from the prompt to size, variants, edit inside the shape, replace and Generate, in the order they are read', async () => {
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url);
    await clickLayer(page, 'Logo');
    const prompt = ui.getByRole('textbox', { name: 'Prompt' });
    await prompt.fill('Make it chrome');
    const order: string[] = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      order.push(await focused(ui));
    }
    expect(order).toEqual([
      'Size',
      'Variants',
      'Edit inside the shape (draw a shape over the part to change)',
      'Replace the selected layer (its old fills stay underneath, hidden)',
      'Generate',
    ]);
  });
});
