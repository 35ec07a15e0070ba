import { beforeEach, describe, expect, it } from 'vitest';
import { startPlugin } from '../../plugin/controller';
import { GENERATION_DATA_KEY } from '../../plugin/generation-record';
import { resultName } from '../../plugin/place-result';
import type { GenerationRecord, PluginMessage } from '../../shared/protocol';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { decodedSize, solidPng } from '../fakes/png';

type Of<T extends PluginMessage['type']> = Extract<PluginMessage, { type: T }>;

const generation = (sourceNodeIds: string[], prompt = 'Make it a watercolor'): GenerationRecord => ({
  prompt,
  size: '1536x1024',
  sourceNodeIds,
  createdAt: '2026-11-25T10:00:00.000Z',
});

describe('the sandbox against a fake figma', () => {
  let figma: FakeFigma;

  beforeEach(() => {
    figma = new FakeFigma();
    startPlugin(figma);
  });

  it('sends stored settings over the defaults when the UI is ready', async () => {
    figma.storage.set('settings', { relayUrl: 'https://relay.team.example', accessToken: 'rt_1', size: '2048x2048', sizeChosen: true });
    await figma.sendFromUi({ type: 'ready' });
    expect(figma.messagesOfType<Of<'init'>>('init')[0].settings).toEqual({
      relayUrl: 'https://relay.team.example', accessToken: 'rt_1', size: '2048x2048', sizeChosen: true, variants: 1, batchVariants: 4, featherPx: 4,
    });
  });

  it('saves settings in clientStorage', async () => {
    const settings = { relayUrl: 'http://localhost:9999', accessToken: 'rt_2', size: 'auto', sizeChosen: true, variants: 4, batchVariants: 4, featherPx: 6 } as const;
    await figma.sendFromUi({ type: 'save-settings', settings });
    expect(figma.storage.get('settings')).toEqual(settings);
  });

  it('tells the UI what is selected, then one thumbnail per message', async () => {
    const card = figma.addFrame('Card', { x: 0, y: 0, width: 400, height: 200 });
    const hero = figma.addFrame('Hero', { x: 500, y: 0, width: 1440, height: 900 });
    figma.select(card, hero);
    await expect.poll(() => figma.messagesOfType<Of<'thumbnail'>>('thumbnail').length).toBe(2);
    const [selection] = figma.messagesOfType<Of<'selection'>>('selection');
    expect(selection.items.map((item) => item.name)).toEqual(['Card', 'Hero']);
    const thumbnails = figma.messagesOfType<Of<'thumbnail'>>('thumbnail');
    expect(thumbnails.map((t) => t.nodeId)).toEqual([card.id, hero.id]);
    expect(decodedSize(thumbnails[1].bytes)).toEqual({ width: 96, height: 60 });
  });

  it('exports each selected layer as a PNG reference, one per message, a large one scaled to 2048 px', async () => {
    const small = figma.addFrame('Small', { x: 0, y: 0, width: 300, height: 200 });
    const huge = figma.addFrame('Huge', { x: 400, y: 0, width: 6000, height: 3000 });
    figma.page.selection = [small, huge];
    await figma.sendFromUi({ type: 'export-references', requestId: 'r1' });
    const references = figma.messagesOfType<Of<'reference'>>('reference');
    expect(references.map((r) => [r.index, r.total, r.name, r.nodeId])).toEqual([
      [0, 2, 'Small', small.id],
      [1, 2, 'Huge', huge.id],
    ]);
    expect(decodedSize(references[0].bytes)).toEqual({ width: 300, height: 200 });
    expect(decodedSize(references[1].bytes)).toEqual({ width: 2048, height: 1024 });
  });

  it('refuses to export an empty selection or more than 16 layers, saying what to do', async () => {
    await figma.sendFromUi({ type: 'export-references', requestId: 'empty' });
    const frames = Array.from({ length: 17 }, (_, i) => figma.addFrame(`F${i}`, { x: i * 20, y: 0, width: 10, height: 10 }));
    figma.page.selection = frames;
    await figma.sendFromUi({ type: 'export-references', requestId: 'many' });
    expect(figma.messagesOfType<Of<'references-failed'>>('references-failed').map((m) => m.message)).toEqual([
      'Select 1 to 16 layers to edit.',
      'Select at most 16 layers: 17 are selected.',
    ]);
  });

  it('places the result right of the selection at its decoded size, with an image fill and plugin data', async () => {
    const a = figma.addFrame('A', { x: 0, y: 100, width: 400, height: 300 });
    const b = figma.addFrame('B', { x: 450, y: 50, width: 300, height: 300 });
    const record = generation([a.id, b.id]);
    await figma.sendFromUi({ type: 'place-result', requestId: 'p1', bytes: solidPng(1520, 1040), generation: record, placement: { kind: 'beside' } });

    const [placed] = figma.messagesOfType<Of<'result-placed'>>('result-placed');
    expect(placed).toMatchObject({ requestId: 'p1', width: 1520, height: 1040 });
    const node = figma.page.children.at(-1)!;
    expect(node.id).toBe(placed.nodeId);
    expect(node.type).toBe('RECTANGLE');
    expect(node.name).toBe('Make it a watercolor');
    expect([node.x, node.y, node.width, node.height]).toEqual([750 + 40, 50, 1520, 1040]);
    expect('fills' in node && node.fills).toEqual([{ type: 'IMAGE', imageHash: 'hash-1', scaleMode: 'FILL' }]);
    expect(JSON.parse(node.getPluginData(GENERATION_DATA_KEY))).toEqual(record);
    expect(figma.page.selection).toEqual([node]);
    expect(figma.scrolledTo).toEqual([[node]]);
  });

  it('never places a result on top of an existing layer: with the right taken, it goes below its source', async () => {
    const source = figma.addFrame('Source', { x: 0, y: 0, width: 400, height: 400 });
    figma.addFrame('Neighbour', { x: 460, y: 200, width: 800, height: 100 });
    await figma.sendFromUi({ type: 'place-result', requestId: 'p', bytes: solidPng(500, 500), generation: generation([source.id]), placement: { kind: 'beside' } });
    const node = figma.page.children.at(-1)!;
    expect([node.x, node.y]).toEqual([0, 400 + 40]);
  });

  it('places at the top level of the page when the selection sits inside an auto layout', async () => {
    const stack = figma.addFrame('Stack', { x: 100, y: 100, width: 600, height: 900 });
    stack.layoutMode = 'VERTICAL';
    const item = figma.addFrame('Item', { x: 20, y: 20, width: 560, height: 300 }, undefined, stack);
    await figma.sendFromUi({ type: 'place-result', requestId: 'p', bytes: solidPng(300, 200), generation: generation([item.id]), placement: { kind: 'beside' } });
    const node = figma.page.children.at(-1)!;
    expect(node.parent).toBe(figma.page);
    expect(stack.children).toHaveLength(1);
    expect(node.x).toBe(700 + 40);
  });

  it('places in the middle of the viewport when the source layers were deleted meanwhile', async () => {
    await figma.sendFromUi({ type: 'place-result', requestId: 'p', bytes: solidPng(200, 100), generation: generation(['9:999']), placement: { kind: 'beside' } });
    const node = figma.page.children.at(-1)!;
    expect([node.x, node.y]).toEqual([400, 350]);
  });

  it('reports bytes Figma cannot use as an image instead of losing the result silently', async () => {
    const source = figma.addFrame('Source', { x: 0, y: 0, width: 10, height: 10 });
    await figma.sendFromUi({ type: 'place-result', requestId: 'bad', bytes: new TextEncoder().encode('not an image'), generation: generation([source.id]), placement: { kind: 'beside' } });
    await figma.sendFromUi({ type: 'place-result', requestId: 'big', bytes: solidPng(4100, 10), generation: generation([source.id]), placement: { kind: 'beside' } });
    const cut = solidPng(64, 64).slice(0, 60);
    await figma.sendFromUi({ type: 'place-result', requestId: 'cut', bytes: cut, generation: generation([source.id]), placement: { kind: 'beside' } });
    const failures = figma.messagesOfType<Of<'result-failed'>>('result-failed');
    expect(failures.map((f) => f.requestId)).toEqual(['bad', 'big', 'cut']);
    expect(failures[0].message).toContain('Download it from the panel');
    expect(figma.page.children).toHaveLength(1);
  });

  it('names a result after a long prompt on one line', () => {
    expect(resultName('  Turn this\n into a   poster with bold type and a sunset gradient behind the product shot  ')).toBe(
      'Turn this into a poster with bold type and a sunset gradien…',
    );
    expect(resultName('')).toBe('Reimage result');
  });
});
