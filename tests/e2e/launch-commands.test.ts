import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../emulator/main';
import { clickLayer, openPluginWithRelay, pluginUi, screenshots, selectionNames, type Stack, startStack, switchTheme } from './harness';

const PROMPT = 'Neon night skyline';

/** What the panel opened with: its prompt, size and variant count, and whether the prompt has the focus. */
async function form(ui: FrameLocator) {
  const prompt = ui.getByRole('textbox', { name: 'Prompt' });
  return {
    prompt: await prompt.inputValue(),
    size: await ui.getByRole('combobox', { name: 'Size' }).inputValue(),
    variants: await ui.getByRole('combobox', { name: 'Variants' }).inputValue(),
    focused: await prompt.evaluate((element) => element.ownerDocument.activeElement === element),
  };
}

/** The settings as the plugin stored them in clientStorage. */
function storedSettings(page: Page): Promise<unknown> {
  return page.evaluate(() => (window as unknown as { emulator: Emulator }).emulator.figma.storage.get('settings'));
}

/** Runs a relaunch button of the selected layer, or a menu command, and waits for the panel it opens. */
async function run(page: Page, how: { button: string } | { command: string }): Promise<FrameLocator> {
  const running = await page.locator('iframe[title="Reimage"]').elementHandle();
  if ('button' in how) {
    await page.getByRole('navigation', { name: 'Layers' }).getByRole('button', { name: how.button }).click();
  } else {
    await page.getByRole('combobox', { name: 'Plugin command' }).selectOption({ label: how.command });
    await page.getByRole('button', { name: 'Run Reimage' }).click();
  }
  // Figma runs one instance of a plugin: the running one closes, and its panel goes.
  await running?.waitForElementState('hidden');
  const ui = pluginUi(page);
  await ui.getByRole('button', { name: /^Generate/ }).waitFor();
  return ui;
}

/** Issue 12 point 6 in Chromium: relaunch buttons and menu commands open the panel as their names say. */
describe('relaunch buttons and menu commands do what their names say', { timeout: 90_000 }, () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(() => stack.close());

  it('"Edit again" and "More variants" on a 2048×1152 result open with its prompt and size; More variants with 4 variants and its sources selected', async () => {
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url);
    await clickLayer(page, 'Hero banner');
    await ui.getByRole('textbox', { name: 'Prompt' }).fill(PROMPT);
    await ui.getByRole('combobox', { name: 'Size' }).selectOption('2048x1152');
    await ui.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => selectionNames(page), { timeout: 30_000 }).toEqual([PROMPT]);
    // The designer's own size for what comes next is another one.
    await ui.getByRole('combobox', { name: 'Size' }).selectOption('1024x1024');

    const again = await run(page, { button: 'Edit again' });
    await expect.poll(() => form(again)).toEqual({ prompt: PROMPT, size: '2048x1152', variants: '1', focused: true });
    expect(await selectionNames(page)).toEqual([PROMPT]);

    const more = await run(page, { button: 'More variants' });
    await expect.poll(() => form(more)).toMatchObject({ prompt: PROMPT, size: '2048x1152', variants: '4' });
    expect(await selectionNames(page)).toEqual(['Hero banner']);
    await expect.poll(() => more.getByRole('button', { name: /^Generate/ }).innerText()).toBe('Generate 4');
    for (const theme of ['light', 'dark'] as const) {
      await switchTheme(page, theme);
      await screenshots(page, 'more-variants', theme);
    }
  });

  it('"Generate variants" opens with 4 variants and the prompt focused, then with the last count above 1', async () => {
    const { page } = await openPluginWithRelay(stack, stack.relay.url);
    await clickLayer(page, 'Logo');
    let ui = await run(page, { command: 'Generate variants' });
    await expect.poll(() => form(ui)).toEqual({ prompt: '', size: '1024x1024', variants: '4', focused: true });

    await ui.getByRole('combobox', { name: 'Variants' }).selectOption('6');
    await ui.getByRole('combobox', { name: 'Variants' }).selectOption('1');
    await expect.poll(() => storedSettings(page)).toMatchObject({ variants: 1 });
    ui = await run(page, { command: 'Edit selection' });
    // The prompt takes the focus whenever the panel opens (issue 12 point 10), so only the count tells the commands apart.
    await expect.poll(() => form(ui)).toMatchObject({ variants: '1', focused: true });
    ui = await run(page, { command: 'Generate variants' });
    await expect.poll(() => form(ui)).toMatchObject({ variants: '6', focused: true });
  });
});
