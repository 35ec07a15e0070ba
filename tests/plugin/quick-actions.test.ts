import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { enterParameters, type ManifestParameter } from '../../emulator/figma/quick-actions';
import type { PluginMessage } from '../../shared/protocol';

type Of<T extends PluginMessage['type']> = Extract<PluginMessage, { type: T }>;

const manifest = JSON.parse(await readFile(resolve(import.meta.dirname, '../../manifest.json'), 'utf8')) as {
  menu: { command?: string; parameters?: ManifestParameter[] }[];
};
const quickEdit = manifest.menu.find((item) => item.command === 'quick-edit')!.parameters!;

/** The plugin's entry point (plugin/main.ts) loaded as Figma loads it: with its run's figma and __html__. */
describe('Quick edit from Quick Actions', () => {
  const figma = new FakeFigma();
  const shown: ShowUIOptions[] = [];

  beforeAll(async () => {
    figma.storage.set('saved-prompts', [{ id: 'p1', prompt: 'Make it clay' }, { id: 'p2', prompt: 'Pixel art' }]);
    figma.listen('showUI', (_html, options) => shown.push(options));
    Object.assign(globalThis, { figma: figma.openPlugin(), __html__: '<html><body>Reimage</body></html>' });
    await import('../../plugin/main');
  });

  it('suggests the designer’s saved prompts that match what they type', async () => {
    expect(await figma.parameters.input('prompt', 'CLAY')).toEqual({ suggestions: [{ name: 'Make it clay', data: 'Make it clay' }] });
  });

  it('suggests the sizes that match what they type', async () => {
    const answer = await figma.parameters.input('size', 'portrait');
    expect('suggestions' in answer && answer.suggestions.map((s) => s.data)).toEqual(['1024x1536', '1152x1536', '2160x3840']);
  });

  it('runs with the typed prompt and the picked size, hidden, once both are in', async () => {
    const values = await enterParameters(figma, quickEdit, (parameter) => (parameter.key === 'prompt' ? 'Make it a watercolor' : 'Portrait'));
    expect(values).toEqual({ prompt: 'Make it a watercolor', size: '1024x1536' });
    expect(shown).toEqual([]);
    figma.run('quick-edit', values);
    expect(shown).toMatchObject([{ visible: false }]);
    await figma.sendFromUi({ type: 'ready' });
    expect(figma.messagesOfType<Of<'init'>>('init')[0].launch).toEqual({ command: 'quick-edit', prompt: 'Make it a watercolor', size: '1024x1536' });
  });
});
