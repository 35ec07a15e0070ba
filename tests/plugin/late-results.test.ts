import { beforeEach, describe, expect, it } from 'vitest';
import { startPlugin } from '../../plugin/controller';
import type { GenerationRecord, PluginMessage } from '../../shared/protocol';
import { FakeFigma, type FakeSceneNode } from '../../emulator/figma/fake-figma';
import { solidPng } from '../fakes/png';

type Of<T extends PluginMessage['type']> = Extract<PluginMessage, { type: T }>;

const generation = (sourceNodeIds: string[]): GenerationRecord => ({
  prompt: 'Neon sign',
  size: '1024x1024',
  sourceNodeIds,
  createdAt: '2026-11-25T10:00:00.000Z',
});

describe('a late result does not take over the canvas', () => {
  let figma: FakeFigma;
  let source: FakeSceneNode;
  let other: FakeSceneNode;

  beforeEach(() => {
    figma = new FakeFigma();
    startPlugin(figma);
    source = figma.addFrame('Card', { x: 0, y: 0, width: 200, height: 200 });
    other = figma.addFrame('Header', { x: 0, y: 600, width: 400, height: 80 });
  });

  const view = () => ({ ...figma.viewport.center, zoom: figma.viewport.zoom });
  const placedIds = () => figma.messagesOfType<Of<'result-placed'>>('result-placed').map((m) => m.nodeId);
  const byId = (id: string) => figma.findNode((node) => node.id === id)!;

  async function place(requestId: string, batch?: { id: string; index: number }) {
    await figma.sendFromUi({ type: 'place-result', requestId, bytes: solidPng(300, 200), generation: generation([source.id]), placement: { kind: 'beside' }, batch });
  }

  it('keeps the designer’s new selection and view, and offers a Show button that selects and scrolls to the result', async () => {
    figma.select(source);
    // Minutes later the designer works on something else.
    figma.select(other);
    figma.viewport.center = { x: 1000, y: 1000 };
    const before = view();

    await place('late');

    expect(figma.page.selection).toEqual([other]);
    expect(view()).toEqual(before);
    expect(figma.scrolledTo).toEqual([]);
    expect(figma.notifications).toEqual([{ message: 'Reimage: image placed', error: false, button: 'Show' }]);
    figma.pressNotificationButton();
    await expect.poll(() => figma.page.selection).toEqual([byId(placedIds()[0])]);
    expect(figma.scrolledTo).toEqual([[byId(placedIds()[0])]]);
  });

  it('selects and scrolls to the result when the selection is still its sources', async () => {
    figma.select(source);
    await place('on-time');
    const node = byId(placedIds()[0]);
    expect(figma.page.selection).toEqual([node]);
    expect(figma.scrolledTo).toEqual([[node]]);
    expect(figma.notifications).toEqual([]);
  });

  it('selects a batch together while the designer waits, and offers one Show for a batch they moved on from', async () => {
    figma.select(source);
    await place('v0', { id: 'b1', index: 0 });
    await place('v1', { id: 'b1', index: 1 });
    await figma.sendFromUi({ type: 'arrange-batch', batchId: 'b1' });
    expect(figma.page.selection.map((node) => node.id)).toEqual(placedIds());
    expect(figma.notifications).toEqual([]);

    figma.select(source);
    await place('w0', { id: 'b2', index: 0 });
    figma.select(other);
    await place('w1', { id: 'b2', index: 1 });
    await figma.sendFromUi({ type: 'arrange-batch', batchId: 'b2' });
    expect(figma.page.selection).toEqual([other]);
    expect(figma.notifications).toEqual([{ message: 'Reimage: 2 images placed', error: false, button: 'Show' }]);
    figma.pressNotificationButton();
    await expect.poll(() => figma.page.selection.map((node) => node.id)).toEqual(placedIds().slice(2));
  });
});
