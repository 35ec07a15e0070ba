import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickLayer, openPluginWithRelay, screenshots, type Stack, startStack, switchTheme } from './harness';


/** WCAG contrast between an element's text and the first opaque background behind it. */
function contrast(element: Locator): Promise<number> {
  return element.evaluate((node) => {
    const channels = (colour: string) => (colour.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]: number[]) => {
      const linear = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
      return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
    };
    let background: number[] = [255, 255, 255];
    for (let at: Element | null = node; at; at = at.parentElement) {
      const value = channels(getComputedStyle(at).backgroundColor);
      if (value.length === 3 || (value.length === 4 && value[3] > 0.9)) {
        background = value;
        break;
      }
    }
    const [text, back] = [luminance(channels(getComputedStyle(node).color)), luminance(background)];
    return (Math.max(text, back) + 0.05) / (Math.min(text, back) + 0.05);
  });
}

describe('the panel in Figma’s light and dark themes', { timeout: 60_000 }, () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(() => stack.close());

  it('paints with Figma’s theme colours and keeps text readable after a generation, in both themes', async () => {
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url);
    await clickLayer(page, 'Hero banner');
    await ui.getByRole('textbox', { name: 'Prompt' }).fill('Turn the sunset into a neon night skyline');
    await ui.getByRole('combobox', { name: 'Size' }).selectOption('1536x1024');
    await ui.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => ui.getByRole('status').first().innerText(), { timeout: 20_000 }).toMatch(/Placed/);

    for (const [theme, background] of [['light', 'rgb(255, 255, 255)'], ['dark', 'rgb(44, 44, 44)']] as const) {
      await switchTheme(page, theme);
      await expect.poll(() => ui.locator('body').evaluate((body) => getComputedStyle(body).backgroundColor)).toBe(background);
      expect(await contrast(ui.getByRole('textbox', { name: 'Prompt' }))).toBeGreaterThanOrEqual(4.5);
      expect(await contrast(ui.getByRole('status').first())).toBeGreaterThanOrEqual(3);
      await screenshots(page, 'result', theme);
    }
  });

  it('keeps warnings and errors readable in both themes', async () => {
    const { page, ui } = await openPluginWithRelay(stack, 'http://127.0.0.1:9');
    await clickLayer(page, 'Logo');
    await ui.getByRole('textbox', { name: 'Prompt' }).fill('Make it chrome');
    await ui.getByRole('button', { name: 'Generate' }).click();
    await ui.getByRole('alert').first().waitFor();

    for (const theme of ['light', 'dark'] as const) {
      await switchTheme(page, theme);
      expect(await contrast(ui.getByRole('alert').first())).toBeGreaterThanOrEqual(4.5);
      expect(await contrast(ui.getByRole('note').first())).toBeGreaterThanOrEqual(4.5);
      await screenshots(page, 'error', theme);
    }
  });
});
