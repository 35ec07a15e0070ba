import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../emulator/main';
import type { ImageSize } from '../../shared/sizes';
import { mappedSize } from '../fakes/fake-llmeasy';
import { solidPng } from '../fakes/png';
import { clickEmptyCanvas, clickLayer, endOfRun, openPluginWithRelay, pluginUi, quickEdit, type Stack, refusing, startStack } from './harness';

const REFUSED_PROMPT = 'Put a real celebrity in this ad';
const MODERATION_MESSAGE = 'Your request was rejected as a result of our safety system.';
/** The fake provider answers this prompt with an image wider than Figma's 4096 px, which Figma cannot place. */
const TOO_WIDE_PROMPT = 'A panorama of the whole skyline';

/** Quick edit runs with the panel hidden: every ending is a notification that says what to do, then the plugin closes. */
describe('Quick edit never stalls unseen', { timeout: 60_000 }, () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      provider: {
        respond: refusing(REFUSED_PROMPT, MODERATION_MESSAGE),
        image: (call) => {
          const { width, height } = mappedSize(call.fields.size[0] as ImageSize);
          return call.fields.prompt[0] === TOO_WIDE_PROMPT ? solidPng(4200, 64) : solidPng(width, height);
        },
      },
    });
  });

  afterAll(() => stack.close());

  it('with nothing selected, says to select layers and closes, asking nothing of the provider', async () => {
    const { page } = await openPluginWithRelay(stack, stack.relay.url);
    await clickEmptyCanvas(page);
    const calls = stack.provider.calls.length;
    await quickEdit(page, 'Make it chrome');
    expect((await endOfRun(page)).filter((n) => n.error)).toEqual([{ message: 'Reimage: Select 1 to 16 layers to edit, then run Quick edit again.', error: true }]);
    expect(stack.provider.calls.length).toBe(calls);
    expect(await page.getByRole('region', { name: 'Plugin window' }).isVisible()).toBe(false);
  });

  it('with more layers selected than the provider takes, says how many and closes', async () => {
    const { page } = await openPluginWithRelay(stack, stack.relay.url);
    await page.evaluate(() => {
      const { figma } = (window as unknown as { emulator: Emulator }).emulator;
      figma.page.selection = Array.from({ length: 17 }, (_, i) => figma.addFrame(`Tile ${i + 1}`, { x: 700 + (i % 6) * 60, y: Math.floor(i / 6) * 60, width: 48, height: 48 }));
    });
    await quickEdit(page, 'Make them glossy');
    expect((await endOfRun(page)).filter((n) => n.error)).toEqual([
      { message: 'Reimage: Select at most 16 layers (17 are selected), then run Quick edit again.', error: true },
    ]);
  });

  it('when Figma cannot export a layer, names it and closes', async () => {
    const { page } = await openPluginWithRelay(stack, stack.relay.url);
    await clickLayer(page, 'Logo');
    // Figma's exportAsync rejects for some layers (too large to render, for one).
    await page.evaluate(() => {
      const logo = (window as unknown as { emulator: Emulator }).emulator.figma.findNode((node) => node.name === 'Logo')!;
      logo.exportAsync = () => Promise.reject(new Error('Failed to render the layer'));
    });
    await quickEdit(page, 'Logo carved in marble');
    const [failure] = (await endOfRun(page)).filter((n) => n.error);
    expect(failure.message).toBe("Reimage: Couldn't export “Logo”: Failed to render the layer. Try another layer or hide its effects.");
  });

  it('when the provider refuses, says why and what to do within Figma’s 100 characters, and closes', async () => {
    const { page } = await openPluginWithRelay(stack, stack.relay.url);
    await clickLayer(page, 'Logo');
    await quickEdit(page, REFUSED_PROMPT);
    const failures = (await endOfRun(page)).filter((n) => n.error);
    expect(failures).toHaveLength(1);
    expect(failures[0].message).toMatch(/^Reimage: .*Change the prompt or references and try again\.$/);
    expect(failures[0].message.length).toBeLessThanOrEqual(100);
  });

  it('when Figma blocks the relay, names the origin and the manifest', async () => {
    const { page } = await openPluginWithRelay(stack, 'https://relay.unlisted.example');
    await clickLayer(page, 'Logo');
    await quickEdit(page, 'Logo carved in marble');
    const failures = (await endOfRun(page)).filter((n) => n.error);
    expect(failures).toHaveLength(1);
    expect(failures[0].message).toBe("Reimage: Figma blocked https://relay.unlisted.example: manifest.json's networkAccess must list it.");
    expect(failures[0].message.length).toBeLessThanOrEqual(100);
  });

  it('when Figma cannot place the image, says so, and offers it when Reimage opens again', async () => {
    const { page } = await openPluginWithRelay(stack, stack.relay.url);
    await clickLayer(page, 'Logo');
    await quickEdit(page, TOO_WIDE_PROMPT);
    expect((await endOfRun(page)).filter((n) => n.error)).toEqual([
      { message: "Reimage: Figma couldn't place the image. Open Reimage to place it again or download it.", error: true },
    ]);
    await page.getByRole('combobox', { name: 'Plugin command' }).selectOption({ label: 'Edit selection' });
    await page.getByRole('button', { name: 'Run Reimage' }).click();
    // The job waited in clientStorage: reopened, Reimage fetches the image again and offers it to download.
    const requests = pluginUi(page).getByRole('status', { name: 'Requests' });
    await expect.poll(() => requests.innerText(), { timeout: 20_000 }).toContain(`Resumed: ${TOO_WIDE_PROMPT}`);
    await expect.poll(() => requests.getByRole('link', { name: 'Download PNG' }).count(), { timeout: 20_000 }).toBe(1);
  });

  it('lists a Quick edit in History when Reimage is opened again', async () => {
    const { page } = await openPluginWithRelay(stack, stack.relay.url);
    await clickLayer(page, 'Logo');
    await quickEdit(page, 'Logo as a neon sign');
    expect(await endOfRun(page)).toContainEqual({ message: 'Reimage: the image is on the canvas.', error: false });
    await page.getByRole('combobox', { name: 'Plugin command' }).selectOption({ label: 'Edit selection' });
    await page.getByRole('button', { name: 'Run Reimage' }).click();
    const ui = pluginUi(page);
    await ui.getByText('History (1)').click();
    expect(await ui.locator('.history-prompt').allInnerTexts()).toEqual(['Logo as a neon sign']);
  });
});
