import { describe, expect, it } from 'vitest';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { decodedSize, pixelAt, solidPng } from '../fakes/png';

const horizontal: GradientPaint = {
  type: 'GRADIENT_LINEAR',
  gradientTransform: [[1, 0, 0], [0, 1, 0]],
  gradientStops: [
    { position: 0, color: { r: 1, g: 0, b: 0, a: 1 } },
    { position: 1, color: { r: 0, g: 0, b: 1, a: 1 } },
  ],
};

describe('the fake figma shared by the sandbox tests and the emulator', () => {
  it('exports what the layer shows: its gradient, and its children clipped to the frame', async () => {
    const figma = new FakeFigma();
    const card = figma.addFrame('Card', { x: 0, y: 0, width: 200, height: 100 });
    card.fills = [horizontal];
    figma.addShape('ELLIPSE', 'Dot', { x: 150, y: 25, width: 100, height: 50 }, [{ type: 'SOLID', color: { r: 0, g: 1, b: 0 } }], card);
    const png = await card.exportAsync({ format: 'PNG', constraint: { type: 'WIDTH', value: 100 } });
    expect(decodedSize(png)).toEqual({ width: 100, height: 50 });
    expect(pixelAt(png, 0, 0)).toEqual([254, 0, 1, 255]);
    expect(pixelAt(png, 50, 2)).toEqual([126, 0, 129, 255]);
    expect(pixelAt(png, 99, 25)).toEqual([0, 255, 0, 255]);
  });

  it('draws an image fill from the bytes given to createImage, covering the layer', async () => {
    const figma = new FakeFigma();
    const image = figma.createImage(solidPng(40, 10, [10, 20, 30]));
    const rectangle = figma.createRectangle();
    rectangle.fills = [{ type: 'IMAGE', imageHash: image.hash, scaleMode: 'FILL' }];
    const png = await rectangle.exportAsync({ format: 'PNG', constraint: { type: 'SCALE', value: 0.5 } });
    expect(decodedSize(png)).toEqual({ width: 50, height: 50 });
    expect(pixelAt(png, 25, 25)).toEqual([10, 20, 30, 255]);
  });

  it('refuses a clientStorage write that would pass 5 MB, keeping what was stored', async () => {
    const figma = new FakeFigma();
    await figma.clientStorage.setAsync('history', new Uint8Array(3 * 1024 * 1024));
    await expect(figma.clientStorage.setAsync('more', new Uint8Array(3 * 1024 * 1024))).rejects.toThrow(/5 MB/);
    await figma.clientStorage.setAsync('history', new Uint8Array(4 * 1024 * 1024));
    expect(await figma.clientStorage.keysAsync()).toEqual(['history']);
  });

  it('forgets the plugin’s listeners when it closes, as Figma ends its code', async () => {
    const figma = new FakeFigma();
    const heard: string[] = [];
    figma.on('selectionchange', () => heard.push('selection'));
    figma.closePlugin('Done');
    figma.select(figma.addFrame('A', { x: 0, y: 0, width: 10, height: 10 }));
    await Promise.resolve();
    expect(heard).toEqual([]);
    expect(figma.closedWith).toBe('Done');
  });
});
