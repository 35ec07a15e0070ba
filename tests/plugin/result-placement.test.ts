import { beforeEach, describe, expect, it } from 'vitest';
import { startPlugin } from '../../plugin/controller';
import type { GenerationRecord, PluginMessage } from '../../shared/protocol';
import { FakeFigma, type FakeSceneNode } from '../../emulator/figma/fake-figma';
import { solidPng } from '../fakes/png';

type Of<T extends PluginMessage['type']> = Extract<PluginMessage, { type: T }>;

const GAP = 40;
/** Each variant's image; a banner of 300 × 100 makes the rows of the designer's 1536 × 1024 variants to scale. */
const VARIANT = { width: 384, height: 256 };

const generation = (sourceNodeIds: string[], variant?: GenerationRecord['variant']): GenerationRecord => ({
  prompt: 'Summer sale banner',
  size: '1536x1024',
  sourceNodeIds,
  createdAt: '2026-11-25T10:00:00.000Z',
  ...(variant ? { variant } : {}),
});

function boxOf(node: FakeSceneNode) {
  return { x: node.x, y: node.y, width: node.width, height: node.height };
}

describe('results land near their sources, named apart', () => {
  let figma: FakeFigma;
  let requests = 0;

  beforeEach(() => {
    figma = new FakeFigma();
    startPlugin(figma);
  });

  /** A batch of variants as the panel delivers them: each placed as it finishes, in `order`, then arranged. */
  async function placeBatch(batchId: string, sourceId: string, count: number, order = Array.from({ length: count }, (_, i) => i)) {
    const placed: string[] = [];
    for (const index of order) {
      await figma.sendFromUi({
        type: 'place-result', requestId: `r${++requests}`, bytes: solidPng(VARIANT.width, VARIANT.height),
        generation: generation([sourceId], { number: index + 1, of: count }), placement: { kind: 'beside' }, batch: { id: batchId, index },
      });
      placed[index] = figma.messagesOfType<Of<'result-placed'>>('result-placed').at(-1)!.nodeId;
    }
    const nodes = () => placed.map((id) => figma.findNode((node) => node.id === id)!);
    const beforeArranging = nodes().map(boxOf);
    await figma.sendFromUi({ type: 'arrange-batch', batchId });
    return { nodes: nodes(), beforeArranging };
  }

  it('puts a second row of eight below the banner, under the first row, not past its end', async () => {
    const banner = figma.addFrame('Banner', { x: 0, y: 0, width: 300, height: 100 });
    const first = await placeBatch('first', banner.id, 8);
    expect(first.nodes.map((node) => [node.x, node.y])).toEqual(Array.from({ length: 8 }, (_, i) => [340 + i * (VARIANT.width + GAP), 0]));

    const second = await placeBatch('second', banner.id, 8);

    expect(second.nodes.map((node) => [node.x, node.y])).toEqual(Array.from({ length: 8 }, (_, i) => [i * (VARIANT.width + GAP), VARIANT.height + GAP]));
  });

  it('lands each variant in its own slot of the row as it arrives, in variant order whatever the finishing order', async () => {
    const banner = figma.addFrame('Banner', { x: 0, y: 0, width: 300, height: 100 });
    const { nodes, beforeArranging } = await placeBatch('b', banner.id, 4, [2, 0, 3, 1]);
    const row = Array.from({ length: 4 }, (_, i) => ({ x: 340 + i * (VARIANT.width + GAP), y: 0, ...VARIANT }));
    expect(beforeArranging).toEqual(row);
    expect(nodes.map(boxOf)).toEqual(row);
  });

  it('names variants "… · 1" to "… · N" and a single result plainly', async () => {
    const banner = figma.addFrame('Banner', { x: 0, y: 0, width: 300, height: 100 });
    const { nodes } = await placeBatch('b', banner.id, 3, [1, 2, 0]);
    expect(nodes.map((node) => node.name)).toEqual(['Summer sale banner · 1', 'Summer sale banner · 2', 'Summer sale banner · 3']);

    await figma.sendFromUi({ type: 'place-result', requestId: 'single', bytes: solidPng(64, 64), generation: generation([banner.id]), placement: { kind: 'beside' } });
    expect(figma.page.children.at(-1)!.name).toBe('Summer sale banner');
  });

  it('names a variant resumed after the panel was closed by its number too, at the nearest clear spot', async () => {
    const banner = figma.addFrame('Banner', { x: 0, y: 0, width: 1200, height: 400 });
    figma.addFrame('Earlier result', { x: 1240, y: 0, width: 1536, height: 1024 });
    await figma.sendFromUi({
      type: 'place-result', requestId: 'resumed', bytes: solidPng(1024, 1024), generation: generation([banner.id], { number: 3, of: 8 }),
      placement: { kind: 'beside' }, jobId: 'job-3',
    });
    const node = figma.page.children.at(-1)!;
    expect(node.name).toBe('Summer sale banner · 3');
    expect([node.x, node.y]).toEqual([0, 400 + GAP]);
  });

  it('keeps a variant’s number in its name however long the prompt', async () => {
    const long = { ...generation([], { number: 8, of: 8 }), prompt: 'A very long prompt '.repeat(10) };
    await figma.sendFromUi({ type: 'place-result', requestId: 'long', bytes: solidPng(64, 64), generation: long, placement: { kind: 'beside' } });
    const { name } = figma.page.children.at(-1)!;
    expect(name).toMatch(/^A very long prompt A very long prompt .*… · 8$/);
    expect(Array.from(name)).toHaveLength(60);
  });
});
