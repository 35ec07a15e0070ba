import { beforeEach, describe, expect, it } from 'vitest';
import { startPlugin } from '../../plugin/controller';
import type { GenerationRecord } from '../../shared/protocol';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { solidPng } from '../fakes/png';

const generation = (sourceNodeIds: string[]): GenerationRecord => ({
  prompt: 'Watercolor',
  size: '1024x1024',
  sourceNodeIds,
  createdAt: '2026-11-25T10:00:00.000Z',
});

const blue: SolidPaint = { type: 'SOLID', color: { r: 0, g: 0, b: 1 } };

describe('replace in place leaves the layer where it is', () => {
  let figma: FakeFigma;

  beforeEach(() => {
    figma = new FakeFigma();
    startPlugin(figma);
  });

  async function replace(nodeId: string, batch?: { id: string; index: number }) {
    await figma.sendFromUi({
      type: 'place-result', requestId: `r-${nodeId}`, bytes: solidPng(1024, 1024), generation: generation([nodeId]),
      placement: { kind: 'replace', nodeId }, batch,
    });
  }

  it('never moves or resizes the replaced layer, also in a batch’s arrange step', async () => {
    figma.addFrame('Card', { x: 0, y: 0, width: 300, height: 300 });
    const photo = figma.addNode('RECTANGLE', 'Photo', { x: 380, y: 40, width: 400, height: 300 }, { fills: [blue], rotation: 15 });
    figma.select(photo);
    await replace(photo.id, { id: 'b', index: 0 });
    await figma.sendFromUi({ type: 'arrange-batch', batchId: 'b' });
    expect([photo.x, photo.y, photo.width, photo.height, photo.rotation]).toEqual([380, 40, 400, 300, 15]);
    expect(figma.page.children).toHaveLength(2);
    expect(figma.page.selection).toEqual([photo]);
  });

  it('swaps the new image into a top IMAGE fill, keeping its scale mode, crop, filters and opacity', async () => {
    const old = figma.createImage(solidPng(64, 64));
    const cropped: ImagePaint = {
      type: 'IMAGE', imageHash: old.hash, scaleMode: 'CROP', opacity: 0.8,
      imageTransform: [[0.5, 0, 0.25], [0, 0.5, 0.25]],
      filters: { exposure: 0.2, contrast: 0.1, saturation: -0.3, temperature: 0, tint: 0, highlights: 0, shadows: 0 },
    };
    const photo = figma.addNode('RECTANGLE', 'Photo', { x: 0, y: 0, width: 400, height: 300 }, { fills: [blue, cropped] });
    await replace(photo.id);
    const [under, top] = photo.fills as [SolidPaint, ImagePaint];
    expect(photo.fills).toHaveLength(2);
    expect(under).toEqual(blue);
    expect(top).toEqual({ ...cropped, imageHash: 'hash-2' });
  });

  it('adds the image on top of other fills and hides them, as before', async () => {
    const photo = figma.addNode('RECTANGLE', 'Photo', { x: 0, y: 0, width: 400, height: 300 }, { fills: [blue] });
    await replace(photo.id);
    expect(photo.fills).toEqual([{ ...blue, visible: false }, { type: 'IMAGE', imageHash: 'hash-1', scaleMode: 'FIT' }]);
  });

  it('is one undo step: undo brings the old fills back and leaves what the plugin did before', async () => {
    const card = figma.addFrame('Card', { x: 0, y: 0, width: 200, height: 200 });
    const photo = figma.addNode('RECTANGLE', 'Photo', { x: 0, y: 400, width: 400, height: 300 }, { fills: [blue] });
    await figma.sendFromUi({ type: 'place-result', requestId: 'beside', bytes: solidPng(100, 100), generation: generation([card.id]), placement: { kind: 'beside' } });
    await replace(photo.id);

    figma.triggerUndo();
    expect(photo.fills).toEqual([blue]);
    expect(photo.getPluginDataKeys()).toEqual([]);
    expect(figma.page.children).toHaveLength(3);
  });
});
