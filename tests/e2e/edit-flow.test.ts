import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenFiles } from '../../relay/store/disk/token-files';
import { createToken } from '../../relay/tokens';
import { mappedSize } from '../fakes/fake-llmeasy';
import { temporaryDataDir } from '../helpers/relay-process';
import { clickLayer, imageSize, layers, openPluginWithRelay, pluginUi, selectionNames, type Stack, startStack, openSettings } from './harness';


/** The built plugin in Chromium, hosted as Figma hosts it, against the real relay and a strict fake provider. */
describe('editing two selected frames in the browser', { timeout: 60_000 }, () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(() => stack.close());

  it('places the result right of the selection at the decoded size, with an image fill and plugin data', async () => {
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url);

    await clickLayer(page, 'Product card');
    await clickLayer(page, 'Logo', true);
    await expect.poll(() => ui.getByRole('list', { name: 'Selected layers' }).getByRole('listitem').allInnerTexts()).toEqual(['Product card', 'Logo']);

    await ui.getByRole('textbox', { name: 'Prompt' }).fill('Put the logo on the card, risograph style');
    await ui.getByRole('combobox', { name: 'Size' }).selectOption('1024x1536');
    await ui.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => ui.getByRole('status').innerText(), { timeout: 20_000 }).toMatch(/Placed/);

    const [card, logo, , result] = await layers(page);
    expect(result).toMatchObject({ type: 'RECTANGLE', name: 'Put the logo on the card, risograph style', ...mappedSize('1024x1536') });
    expect([result.x, result.y]).toEqual([logo.x + logo.width + 40, card.y]);
    const [fill] = result.fills as ImagePaint[];
    expect(fill.type).toBe('IMAGE');
    expect(await imageSize(page, fill.imageHash as string)).toEqual(mappedSize('1024x1536'));
    expect(JSON.parse(result.pluginData.reimage)).toMatchObject({
      prompt: 'Put the logo on the card, risograph style',
      size: '1024x1536',
      sourceNodeIds: [card.id, logo.id],
    });
    expect(stack.provider.calls.at(-1)!.images.map((image) => [image.field, image.width, image.height])).toEqual([
      ['image[]', 320, 400],
      ['image[]', 160, 160],
    ]);
  });

  it('restores the relay settings after the page reloads', async () => {
    const { page } = await openPluginWithRelay(stack, 'https://relay.team.example', 'rt_e2e_token');
    await page.reload();
    const ui = pluginUi(page);
    await ui.getByRole('button', { name: 'Generate' }).waitFor();
    await openSettings(ui);
    await expect.poll(() => ui.getByLabel('Relay URL').inputValue()).toBe('https://relay.team.example');
    expect(await ui.getByLabel('Access token').inputValue()).toBe('rt_e2e_token');
  });
});

describe('a team relay that requires access tokens', { timeout: 60_000 }, () => {
  const tokens = new TokenFiles(temporaryDataDir());
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ relay: { access: { tokens, loopback: true } } });
  });

  afterAll(async () => {
    await stack.close();
    await tokens.flush();
  });

  it('generates with the token the admin handed out, pasted in Settings', async () => {
    const token = await createToken(tokens, 'ana');
    const { page } = await openPluginWithRelay(stack, stack.relay.url, token);
    await clickLayer(page, 'Logo');
    await pluginUi(page).getByRole('textbox', { name: 'Prompt' }).fill('Logo in gold leaf');
    await pluginUi(page).getByRole('button', { name: /^Generate/ }).click();
    await expect.poll(() => selectionNames(page), { timeout: 20_000 }).toEqual(['Logo in gold leaf']);
    await tokens.flush();
    const [usage] = await tokens.list();
    expect(usage.name).toBe('ana');
    expect(usage.requests).toBeGreaterThan(0);
  });
});
