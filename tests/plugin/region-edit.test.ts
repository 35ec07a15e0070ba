import { beforeEach, describe, expect, it } from 'vitest';
import { startPlugin } from '../../plugin/controller';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import type { PluginMessage } from '../../shared/protocol';
import { photoWithOval } from '../helpers/region-scene';
import { decodedSize, pixelAt, solidPng } from '../fakes/png';

const red: SolidPaint = { type: 'SOLID', color: { r: 1, g: 0, b: 0 } };
const grey: SolidPaint = { type: 'SOLID', color: { r: 0.85, g: 0.85, b: 0.85 } };
type Part = Extract<PluginMessage, { type: 'region-part' }>;
type Selection = Extract<PluginMessage, { type: 'selection' }>;

describe('a region edit in the sandbox: a shape over a layer', () => {
  let figma: FakeFigma;

  beforeEach(() => {
    figma = new FakeFigma();
    startPlugin(figma);
  });

  async function regionOfSelection() {
    await figma.sendFromUi({ type: 'ready' });
    return figma.messagesOfType<Selection>('selection').at(-1)!.region;
  }

  it('recognises the layer and a shape drawn inside it, or a lone shape over exactly one layer', async () => {
    const photo = figma.addFrame('Photo', { x: 0, y: 0, width: 400, height: 300 }, [255, 255, 255]);
    const oval = figma.addShape('ELLIPSE', 'Oval', { x: 50, y: 40, width: 100, height: 80 }, [grey], photo);
    figma.select(photo, oval);
    expect(await regionOfSelection()).toEqual({ layerId: photo.id, shapeId: oval.id, layerName: 'Photo', shapeName: 'Oval', layerFillable: true, crop: { width: 164, height: 144 } });
    figma.select(oval);
    expect(await regionOfSelection()).toMatchObject({ layerId: photo.id, shapeId: oval.id });
  });

  it('says what to select for each selection that is not one', async () => {
    const photo = figma.addFrame('Photo', { x: 0, y: 0, width: 400, height: 300 });
    const picture = figma.addNode('RECTANGLE', 'Picture', { x: 500, y: 0, width: 200, height: 200 }, { fills: [{ type: 'IMAGE', imageHash: figma.createImage(solidPng(8, 8)).hash, scaleMode: 'FILL' }] });
    const a = figma.addShape('RECTANGLE', 'A', { x: 10, y: 10, width: 50, height: 50 }, [grey], photo);
    const b = figma.addShape('ELLIPSE', 'B', { x: 100, y: 10, width: 50, height: 50 }, [grey], photo);
    const far = figma.addShape('RECTANGLE', 'Far', { x: 2000, y: 2000, width: 50, height: 50 }, [grey]);
    const both = figma.addShape('RECTANGLE', 'Both', { x: 380, y: 50, width: 160, height: 40 }, [grey]);
    const huge = figma.addShape('RECTANGLE', 'Huge', { x: -10, y: -10, width: 420, height: 100 }, [grey]);
    const line = figma.addNode('VECTOR', 'Line', { x: 20, y: 100, width: 100, height: 0 }, { fills: [grey] });
    const cases: [{ id: string }[], RegExp][] = [
      [[photo], /No shape is selected: draw a rectangle, ellipse or pen path over the part of a layer to change, and select it/],
      [[picture], /No shape is selected/],
      [[a, b], /2 shapes are selected \(“A”, “B”\): select one shape, and the layer under it/],
      [[photo, picture, a], /Select one layer and one shape over it: 3 layers are selected/],
      [[far], /“Far” is over no layer: move it over the part of a layer to change, or select that layer too/],
      [[photo, far], /“Far” is not over “Photo”/],
      [[both], /“Both” overlaps 2 layers \(“Photo”, “Picture”\): select the one to edit too/],
      [[photo, huge], /“Huge” is larger than “Photo”: draw a smaller shape over the part to change/],
      [[line], /“Line” has no area: draw a shape with a width and a height/],
    ];
    for (const [nodes, problem] of cases) {
      figma.select(...(nodes as never[]));
      expect(((await regionOfSelection()) as { problem: string }).problem).toMatch(problem);
      await figma.sendFromUi({ type: 'export-region', requestId: 'bad' });
      expect(figma.messagesOfType<{ type: 'references-failed'; message: string }>('references-failed').at(-1)!.message).toMatch(problem);
    }
  });

  it('exports the layer without the shape and the shape at the layer’s export scale, placed in the layer’s pixels', async () => {
    const poster = figma.addFrame('Poster', { x: 100, y: 100, width: 4096, height: 2048 }, [0, 0, 255]);
    const mark = figma.addShape('RECTANGLE', 'Mark', { x: 1000, y: 400, width: 200, height: 100 }, [red], poster);
    figma.select(poster, mark);
    await figma.sendFromUi({ type: 'export-region', requestId: 'r1' });
    const [layer, mask] = figma.messagesOfType<Part>('region-part');
    expect([layer.part, layer.nodeId, layer.offset, decodedSize(layer.bytes)]).toEqual(['layer', poster.id, { x: 0, y: 0 }, { width: 2048, height: 1024 }]);
    expect(pixelAt(layer.bytes, 550, 225)).toEqual([0, 0, 255, 255]);
    expect([mask.part, mask.nodeId, mask.offset, decodedSize(mask.bytes)]).toEqual(['mask', mark.id, { x: 500, y: 200 }, { width: 100, height: 50 }]);
    expect(pixelAt(mask.bytes, 50, 25)).toEqual([255, 0, 0, 255]);
    expect(mark.visible).toBe(true);
  });

  it('exports a hidden shape’s mask all the same (Edit again reuses it) and leaves it hidden', async () => {
    const { photo, oval } = photoWithOval(figma);
    oval.visible = false;
    await figma.sendFromUi({ type: 'export-region', requestId: 'r2', nodeIds: { layerId: photo.id, shapeId: oval.id } });
    const [, mask] = figma.messagesOfType<Part>('region-part');
    expect(pixelAt(mask.bytes, 50, 40)[3]).toBe(255);
    expect(oval.visible).toBe(false);
  });

  it('places the composite beside the layer and hides the shape, in one undo step; Edit again selects the layer and the shape', async () => {
    const { photo, oval, generation } = photoWithOval(figma);
    figma.commitUndo();
    await figma.sendFromUi({ type: 'place-result', requestId: 'p', bytes: solidPng(400, 300), generation, placement: { kind: 'beside' } });
    const result = figma.page.children.at(-1)!;
    expect([result.name, result.width, result.height, result.x]).toEqual(['A moon in the oval', 400, 300, 440]);
    expect(oval.visible).toBe(false);
    expect(figma.page.children).toContain(photo);

    figma.select(result);
    figma.closePlugin();
    startPlugin(figma.openPlugin(), { command: 'edit-again' });
    await figma.sendFromUi({ type: 'ready' });
    expect(figma.page.selection).toEqual([photo, oval]);
    expect(figma.messagesOfType<Selection>('selection').at(-1)!.region).toMatchObject({ layerId: photo.id, shapeId: oval.id });

    figma.triggerUndo();
    expect(oval.visible).toBe(true);
    expect(figma.page.children).toEqual([photo]);
  });

  it('keeps a region result’s record in History with this file’s id, the one the panel is given, so it can be placed again here', async () => {
    const { generation } = photoWithOval(figma);
    await figma.sendFromUi({ type: 'ready' });
    const { fileId } = figma.messagesOfType<Extract<PluginMessage, { type: 'init' }>>('init').at(-1)!;
    expect(fileId).toMatch(/^file-/);
    const history = { prompt: generation.prompt, size: generation.size, referenceNames: ['Photo'], durationMs: 61_000, jobId: 'job-1' };
    await figma.sendFromUi({ type: 'place-result', requestId: 'h', bytes: solidPng(400, 300), generation, placement: { kind: 'beside' }, jobId: 'job-1', history });
    const [entry] = figma.messagesOfType<Extract<PluginMessage, { type: 'history' }>>('history').at(-1)!.entries;
    expect(entry).toMatchObject({ jobId: 'job-1', region: { ...generation.region, fileId } });
  });

  it('replaces the layer in place when Replace is ticked, the shape hidden in the same undo step', async () => {
    const { photo, oval, generation } = photoWithOval(figma);
    figma.commitUndo();
    await figma.sendFromUi({ type: 'place-result', requestId: 'r', bytes: solidPng(400, 300), generation, placement: { kind: 'replace', nodeId: photo.id } });
    expect(photo.fills.map((paint) => paint.type)).toEqual(['SOLID', 'IMAGE']);
    expect([figma.page.children.length, oval.visible]).toEqual([1, false]);
    figma.triggerUndo();
    expect([photo.fills.length, oval.visible]).toEqual([1, true]);
  });
});


