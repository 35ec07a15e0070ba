import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPluginWithRelay, screenshots, type Stack, startStack, switchTheme } from './harness';

/** Longer than the demo's 5 s estimate, so the row goes past it while the test watches. */
const PROVIDER_SECONDS = 9;

describe('a generation that takes longer than expected', { timeout: 90_000 }, () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ provider: { delayMs: PROVIDER_SECONDS * 1000 }, relay: { mode: 'demo' } });
  });

  afterAll(() => stack.close());

  it('estimates from the relay’s mode, says past the estimate that closing loses nothing (no frozen bar), and learns the time', async () => {
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url);
    await ui.getByRole('textbox', { name: 'Prompt' }).fill('A poster of a lighthouse at dawn');
    await ui.getByRole('button', { name: 'Generate' }).click();
    const row = ui.getByRole('status').first();
    await expect.poll(() => row.innerText()).toMatch(/of about 5 s/);
    // Settings are still open above it, so the panel scrolls: the new row is brought into its view.
    expect(await ui.locator('main').evaluate((main) => main.getBoundingClientRect().height > window.innerHeight)).toBe(true);
    await expect.poll(() => row.evaluate((list) => list.getBoundingClientRect().top >= 0 && list.getBoundingClientRect().bottom <= window.innerHeight)).toBe(true);

    await expect.poll(() => row.innerText(), { timeout: 15_000 }).toMatch(
      /Taking longer than usual \(\d+ s so far\)\. You can close Reimage: the image is placed when you open this file again\./,
    );
    // The row grew by two lines of text: it is kept in view, since the designer was looking at it.
    await expect.poll(() => row.evaluate((list) => list.getBoundingClientRect().bottom <= window.innerHeight)).toBe(true);
    const bar = row.getByRole('progressbar');
    expect(await bar.getAttribute('value')).toBeNull();
    for (const theme of ['light', 'dark'] as const) {
      await switchTheme(page, theme);
      await screenshots(page, 'long-wait', theme);
    }

    await expect.poll(() => row.innerText(), { timeout: 20_000 }).toMatch(/Placed/);
    // The next one is expected to take what this demo relay took, learned from the history entry.
    await ui.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => ui.getByRole('status').first().innerText()).toMatch(/of about (9|10|11) s/);
  });
});
