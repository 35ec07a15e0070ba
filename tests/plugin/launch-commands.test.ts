import { describe, expect, it } from 'vitest';
import { startPlugin } from '../../plugin/controller';
import { GENERATION_DATA_KEY } from '../../plugin/generation-record';
import type { GenerationRecord, PluginMessage } from '../../shared/protocol';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { pickVariants } from '../../ui/panel-choices';

type Of<T extends PluginMessage['type']> = Extract<PluginMessage, { type: T }>;

const wide: GenerationRecord = { prompt: 'Retro poster', size: '2048x1152', sourceNodeIds: [], createdAt: '2026-11-25T10:00:00.000Z' };

/** Opens the plugin with a command, as Figma runs it, and reads what the panel is told to open with. */
async function open(figma: FakeFigma, command: string, parameters?: Record<string, unknown>) {
  startPlugin(figma, { command, parameters });
  await figma.sendFromUi({ type: 'ready' });
  return figma.messagesOfType<Of<'init'>>('init')[0];
}

describe('relaunch buttons and menu commands open the panel as their names say', () => {
  it('"Edit again" on a 2048×1152 result opens with its prompt and size, the result still selected', async () => {
    const figma = new FakeFigma();
    const result = figma.addFrame('Retro poster', { x: 0, y: 0, width: 2032, height: 1168 });
    result.setPluginData(GENERATION_DATA_KEY, JSON.stringify(wide));
    figma.select(result);
    const init = await open(figma, 'edit-again');
    expect(init.launch).toEqual({ command: 'edit-again', prompt: 'Retro poster', size: '2048x1152' });
    expect(figma.page.selection).toEqual([result]);
  });

  it('"More variants" on a 2048×1152 result opens with its prompt, its size and 4 variants, its sources selected', async () => {
    const figma = new FakeFigma();
    const banner = figma.addFrame('Banner', { x: 0, y: 0, width: 1200, height: 400 });
    const result = figma.addFrame('Retro poster', { x: 1240, y: 0, width: 2032, height: 1168 });
    result.setPluginData(GENERATION_DATA_KEY, JSON.stringify({ ...wide, sourceNodeIds: [banner.id] }));
    figma.storage.set('settings', { relayUrl: 'http://localhost:8787', accessToken: '', size: '1024x1024', sizeChosen: true, variants: 1, batchVariants: 6 });
    figma.select(result);
    const init = await open(figma, 'more-variants');
    expect(init.launch).toEqual({ command: 'more-variants', prompt: 'Retro poster', size: '2048x1152', variants: 4 });
    expect(figma.page.selection).toEqual([banner]);
  });

  it('"Generate variants" opens with 4 variants until the designer picks a count above 1, then with the last one', async () => {
    const figma = new FakeFigma();
    const { launch, settings } = await open(figma, 'generate-variants');
    expect(launch).toEqual({ command: 'generate-variants', variants: 4 });
    // The designer picks 6 variants, later 1, and closes the panel.
    await figma.sendFromUi({ type: 'save-settings', settings: pickVariants(pickVariants(settings, 6), 1) });

    const reopened = new FakeFigma(figma.storage);
    expect((await open(reopened, 'generate-variants')).launch).toEqual({ command: 'generate-variants', variants: 6 });
  });

  it('"Generate variants" reads a count above 1 stored before the last count was remembered', async () => {
    const figma = new FakeFigma();
    figma.storage.set('settings', { relayUrl: 'http://localhost:8787', accessToken: '', size: '1024x1024', variants: 3 });
    expect((await open(figma, 'generate-variants')).launch).toEqual({ command: 'generate-variants', variants: 3 });
  });

  it('Quick edit without a size uses the size closest to the selected banner’s ratio until the designer picks one', async () => {
    const figma = new FakeFigma();
    figma.select(figma.addFrame('Banner', { x: 0, y: 0, width: 1200, height: 400 }));
    expect((await open(figma, 'quick-edit', { prompt: 'Add snow' })).launch).toEqual({ command: 'quick-edit', prompt: 'Add snow', size: '2048x1152' });

    const picked = new FakeFigma();
    picked.storage.set('settings', { relayUrl: 'http://localhost:8787', accessToken: '', size: '1024x1024', sizeChosen: true, variants: 1 });
    picked.select(picked.addFrame('Banner', { x: 0, y: 0, width: 1200, height: 400 }));
    expect((await open(picked, 'quick-edit', { prompt: 'Add snow' })).launch).toMatchObject({ size: '1024x1024' });
  });
});
