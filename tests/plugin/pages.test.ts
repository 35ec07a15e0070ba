import { describe, expect, it } from 'vitest';
import { startPlugin } from '../../plugin/controller';
import { GENERATION_DATA_KEY } from '../../plugin/generation-record';
import type { GenerationRecord, PluginMessage } from '../../shared/protocol';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { solidPng } from '../fakes/png';

type Of<T extends PluginMessage['type']> = Extract<PluginMessage, { type: T }>;

const generation = (sourceNodeIds: string[]): GenerationRecord => ({
  prompt: 'Retro poster',
  size: '1024x1024',
  sourceNodeIds,
  createdAt: '2026-11-25T10:00:00.000Z',
});

function twoPages() {
  const figma = new FakeFigma(new Map(), { pages: ['Design', 'Results'] });
  const [design, results] = figma.document.children;
  return { figma, design, results };
}

describe('every command is safe across pages', () => {
  it('"More variants" with its sources on another page opens the panel there with the sources selected', async () => {
    const { figma, design, results } = twoPages();
    const a = figma.addFrame('A', { x: 0, y: 0, width: 100, height: 100 }, [255, 0, 0], design);
    const b = figma.addFrame('B', { x: 200, y: 0, width: 100, height: 100 }, [0, 0, 255], design);
    const generated = figma.addFrame('Result', { x: 0, y: 0, width: 100, height: 100 }, [0, 255, 0], results);
    generated.setPluginData(GENERATION_DATA_KEY, JSON.stringify(generation([a.id, b.id])));
    figma.select(generated);
    startPlugin(figma, { command: 'more-variants' });

    await figma.sendFromUi({ type: 'ready' });

    const [init] = figma.messagesOfType<Of<'init'>>('init');
    expect(init.launch).toEqual({ command: 'more-variants', prompt: 'Retro poster', size: '1024x1024' });
    expect(init.problem).toBeUndefined();
    expect(figma.currentPage).toBe(design);
    expect(figma.page.selection).toEqual([a, b]);
    expect(figma.notifications.map((n) => n.message)).toEqual(['Reimage: selected the source layers, on page “Design”']);
  });

  it('opens the panel with the problem when something in the start-up fails, never leaving it loading', async () => {
    const figma = new FakeFigma();
    const read = figma.clientStorage.getAsync.bind(figma.clientStorage);
    figma.clientStorage.getAsync = async (key: string) => {
      if (key === 'history') throw new Error('Storage is unavailable');
      return read(key);
    };
    startPlugin(figma);

    await figma.sendFromUi({ type: 'ready' });

    const [init] = figma.messagesOfType<Of<'init'>>('init');
    expect(init.history).toEqual([]);
    expect(init.problem).toBe('Reimage couldn’t read your history: Storage is unavailable. Close and reopen Reimage to try again.');
    expect(figma.messagesOfType('selection')).toHaveLength(1);
  });

  it('places a result on its sources’ page when the designer has left it, and says where with a Show button', async () => {
    const { figma, design, results } = twoPages();
    const source = figma.addFrame('Card', { x: 0, y: 0, width: 200, height: 200 }, [255, 0, 0], design);
    figma.select(source);
    startPlugin(figma);
    const elsewhere = figma.addFrame('Other', { x: 0, y: 0, width: 50, height: 50 }, [0, 0, 0], results);
    figma.select(elsewhere);
    const viewport = { ...figma.viewport.center, zoom: figma.viewport.zoom };

    await figma.sendFromUi({ type: 'place-result', requestId: 'p', bytes: solidPng(300, 200), generation: generation([source.id]), placement: { kind: 'beside' } });

    const [placed] = figma.messagesOfType<Of<'result-placed'>>('result-placed');
    const node = figma.findNode((candidate) => candidate.id === placed.nodeId)!;
    expect(node.parent).toBe(design);
    expect([node.x, node.y]).toEqual([240, 0]);
    expect(figma.currentPage).toBe(results);
    expect(figma.page.selection).toEqual([elsewhere]);
    expect({ ...figma.viewport.center, zoom: figma.viewport.zoom }).toEqual(viewport);
    expect(figma.notifications).toEqual([{ message: 'Reimage: image placed on page “Design”', error: false, button: 'Show' }]);

    figma.pressNotificationButton();
    await expect.poll(() => figma.currentPage).toBe(design);
    expect(figma.page.selection).toEqual([node]);
    expect(figma.scrolledTo.at(-1)).toEqual([node]);
  });
});
