import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickLayer, openPluginWithRelay, type Stack, refusing, startStack } from './harness';

const REFUSED_PROMPT = 'Put a real celebrity in this ad';

describe('request rows stay tidy', { timeout: 60_000 }, () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ provider: { respond: refusing(REFUSED_PROMPT, 'Your request was rejected as a result of our safety system.') } });
  });

  afterAll(() => stack.close());

  it('labels each row with its prompt and start time, folds earlier runs away and dismisses settled rows', async () => {
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url);
    await clickLayer(page, 'Logo');
    const prompt = ui.getByRole('textbox', { name: 'Prompt' });
    await prompt.fill(REFUSED_PROMPT);
    await ui.getByRole('button', { name: 'Generate' }).click();
    const requests = ui.getByRole('status', { name: 'Requests' });
    await expect.poll(() => requests.innerText(), { timeout: 20_000 }).toContain('safety system');
    expect(await requests.innerText()).toMatch(new RegExp(`Edit: ${REFUSED_PROMPT}\\s+started \\d\\d:\\d\\d`));

    await prompt.fill('Make it chrome');
    await ui.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => requests.innerText(), { timeout: 20_000 }).toMatch(/Edit: Make it chrome\s+started \d\d:\d\d[\s\S]*Placed/);
    // The failed run folds away, still saying it failed, and opens to its Retry.
    expect(await requests.innerText()).not.toContain(REFUSED_PROMPT);
    const earlier = ui.getByText('Earlier requests (1 · 1 failed)');
    await earlier.click();
    const earlierList = ui.getByRole('list', { name: 'Earlier requests' });
    expect(await earlierList.innerText()).toContain(REFUSED_PROMPT);
    expect(await earlierList.getByRole('button', { name: 'Retry' }).isVisible()).toBe(true);

    // Dismissed, the latest run's row goes; the earlier one is then the latest, shown open.
    await requests.getByRole('button', { name: 'Dismiss Edit: Make it chrome' }).click();
    await expect.poll(() => requests.innerText()).toContain(REFUSED_PROMPT);
    expect(await ui.getByText(/Earlier requests/).count()).toBe(0);
    await requests.getByRole('button', { name: `Dismiss Edit: ${REFUSED_PROMPT}` }).click();
    await expect.poll(() => requests.count()).toBe(0);
  });

  it('unticks "Replace the selected layer" when the selection changes', async () => {
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url);
    await clickLayer(page, 'Logo');
    const replace = ui.getByRole('checkbox', { name: /Replace the selected layer/ });
    await replace.check();
    expect(await replace.isChecked()).toBe(true);
    await clickLayer(page, 'Hero banner');
    await expect.poll(() => replace.isChecked()).toBe(false);
    await clickLayer(page, 'Logo');
    expect(await replace.isChecked()).toBe(false);
  });
});
