import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../emulator/main';
import { clickLayer, layers, openPluginWithRelay, type Stack, startStack } from './harness';

type Notification = { message: string; error: boolean; button?: string };

const emulatorOf = (page: Page) => page.evaluate(() => {
  const { figma } = (window as unknown as { emulator: Emulator }).emulator;
  return { notifications: figma.notifications as Notification[], closedWith: figma.closedWith };
});

describe('Quick edit is seen at once', { timeout: 90_000 }, () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ provider: { delayMs: 40_000 } });
  });

  afterAll(() => stack.close());

  it('shows "Generating…" with Cancel as the request leaves, again every 15 s, and Cancel stops the relay job and closes', async () => {
    const { page } = await openPluginWithRelay(stack, stack.relay.url);
    await clickLayer(page, 'Logo');
    const before = (await layers(page)).length;
    const answers = ['Logo carved in marble', ''];
    page.on('dialog', (dialog) => void dialog.accept(answers.shift()));
    await page.getByRole('combobox', { name: 'Plugin command' }).selectOption({ label: 'Quick edit' });
    await page.getByRole('button', { name: 'Run Reimage' }).click();

    await expect.poll(async () => (await emulatorOf(page)).notifications, { timeout: 5_000 }).toContainEqual({ message: 'Reimage: generating…', error: false, button: 'Cancel' });
    const toast = page.locator('#toast');
    expect(await toast.getByRole('button', { name: 'Cancel' }).isVisible()).toBe(true);
    await expect
      .poll(async () => (await emulatorOf(page)).notifications.map((n) => n.message), { timeout: 20_000 })
      .toContainEqual(expect.stringMatching(/^Reimage: generating… 1[5-6] s$/));
    expect(stack.provider.calls).toHaveLength(1);

    await toast.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(async () => (await emulatorOf(page)).closedWith, { timeout: 10_000 }).toBe('Reimage: cancelled. Nothing was placed.');
    const jobLines = stack.relay.logs.map((line) => JSON.parse(line) as { job?: string; status?: string }).filter((line) => line.job);
    expect(jobLines.map((line) => line.status)).toEqual(['cancelled']);
    expect((await layers(page)).length).toBe(before);
  });
});
