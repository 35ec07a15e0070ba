import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mappedSize } from '../fakes/fake-llmeasy';
import { clickEmptyCanvas, clickLayer, layers, openPluginWithRelay, selectionNames, type Stack, startStack, viewportCenter } from './harness';


/** The designer's workflow through the built plugin in Chromium, against the real relay's jobs. */
describe('the designer’s workflow in the browser', { timeout: 60_000 }, () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(() => stack.close());

  it('lines two variants up in one row beside the selection and selects them together', async () => {
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url);
    await clickLayer(page, 'Logo');
    await ui.getByRole('textbox', { name: 'Prompt' }).fill('Logo as a glossy 3D badge');
    await ui.getByRole('combobox', { name: 'Variants' }).selectOption('2');
    await ui.getByRole('button', { name: /^Generate/ }).click();
    await expect.poll(() => selectionNames(page), { timeout: 20_000 }).toEqual(['Logo as a glossy 3D badge · 1', 'Logo as a glossy 3D badge · 2']);

    const [, logo, , ...variants] = await layers(page);
    // Variants land in the order the provider finishes them; the row is in variant order, left to right.
    const [first, second] = variants.sort((a, b) => a.x - b.x);
    const { width, height } = mappedSize('1024x1024');
    expect([first.x, first.y, first.width, first.height]).toEqual([logo.x + logo.width + 40, logo.y, width, height]);
    expect([second.x, second.y]).toEqual([first.x + width + 40, logo.y]);
  });

  it('creates an image from the prompt alone in the middle of the view when nothing is selected', async () => {
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url);
    await clickEmptyCanvas(page);
    await expect.poll(() => ui.getByText('Text to image').isVisible()).toBe(true);
    // Scroll down to an empty part of the page: results never land on top of other layers.
    await page.mouse.wheel(0, 3000);
    await expect.poll(async () => (await viewportCenter(page)).y).toBeGreaterThan(2000);
    const center = await viewportCenter(page);
    await ui.getByRole('textbox', { name: 'Prompt' }).fill('A paper-cut fox in a misty forest');
    await ui.getByRole('button', { name: /^Generate/ }).click();
    await expect.poll(() => selectionNames(page), { timeout: 20_000 }).toEqual(['A paper-cut fox in a misty forest']);

    const created = (await layers(page)).at(-1)!;
    expect(stack.provider.calls.at(-1)!.endpoint).toBe('generations');
    expect(Math.abs(created.x + created.width / 2 - center.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(created.y + created.height / 2 - center.y)).toBeLessThanOrEqual(1);
  });

  it('replaces the selected layer in place, keeping its old fills hidden underneath', async () => {
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url);
    await clickLayer(page, 'Product card');
    const before = (await layers(page)).find((layer) => layer.name === 'Product card')!;
    await ui.getByRole('textbox', { name: 'Prompt' }).fill('Make the card pastel');
    await ui.getByRole('checkbox', { name: /Replace the selected layer/ }).check();
    await ui.getByRole('button', { name: /^Generate/ }).click();
    await expect.poll(() => ui.getByRole('status').first().innerText(), { timeout: 20_000 }).toMatch(/Placed/);

    const all = await layers(page);
    const card = all.find((layer) => layer.name === 'Product card')!;
    expect(all).toHaveLength(3);
    expect([card.width, card.height]).toEqual([before.width, before.height]);
    expect(card.fills).toEqual([
      { ...(before.fills as Paint[])[0], visible: false },
      { type: 'IMAGE', imageHash: expect.any(String), scaleMode: 'FIT' },
    ]);
  });

  it('runs a Quick Action without the panel and says in a notification when the image is on the canvas', async () => {
    const { page } = await openPluginWithRelay(stack, stack.relay.url);
    await clickLayer(page, 'Logo');
    const answers = ['Logo carved in marble', ''];
    page.on('dialog', (dialog) => void dialog.accept(answers.shift()));
    await page.getByRole('combobox', { name: 'Plugin command' }).selectOption({ label: 'Quick edit' });
    await page.getByRole('button', { name: 'Run Reimage' }).click();

    await expect.poll(() => page.getByRole('status').innerText(), { timeout: 20_000 }).toBe('Reimage: the image is on the canvas.');
    expect(await page.getByRole('region', { name: 'Plugin window' }).isVisible()).toBe(false);
    expect((await layers(page)).at(-1)).toMatchObject({ name: 'Logo carved in marble', ...mappedSize('1024x1024') });
  });
});
