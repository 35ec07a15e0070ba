import { describe, expect, it } from 'vitest';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { decodedSize, pixelAt } from '../fakes/png';

const red: SolidPaint = { type: 'SOLID', color: { r: 1, g: 0, b: 0 } };
const TRANSPARENT = [0, 0, 0, 0];
const RED = [255, 0, 0, 255];

describe('the fake figma’s shapes, drawn and exported as Figma draws them', () => {
  it('exports an ellipse at its bounds with an alpha channel: the oval is opaque, the corners transparent', async () => {
    const figma = new FakeFigma();
    const dot = figma.addShape('ELLIPSE', 'Dot', { x: 10, y: 10, width: 100, height: 60 }, [red]);
    const png = await dot.exportAsync({ format: 'PNG', constraint: { type: 'SCALE', value: 2 } });
    expect(decodedSize(png)).toEqual({ width: 200, height: 120 });
    expect(pixelAt(png, 100, 60)).toEqual(RED);
    expect(pixelAt(png, 2, 2)).toEqual(TRANSPARENT);
    expect(pixelAt(png, 197, 117)).toEqual(TRANSPARENT);
  });

  it('draws a pen path (vectorPaths) by its winding rule and nothing outside it', async () => {
    const figma = new FakeFigma();
    const triangle = figma.addNode('VECTOR', 'Triangle', { x: 0, y: 0, width: 100, height: 100 }, {
      fills: [red],
      vectorPaths: [{ windingRule: 'NONZERO', data: 'M 0 100 L 50 0 L 100 100 Z' }],
    });
    const png = await triangle.exportAsync({ format: 'PNG' });
    expect(decodedSize(png)).toEqual({ width: 100, height: 100 });
    expect(pixelAt(png, 50, 80)).toEqual(RED);
    expect(pixelAt(png, 5, 5)).toEqual(TRANSPARENT);
    expect(pixelAt(png, 95, 5)).toEqual(TRANSPARENT);
    expect(triangle.vectorPaths).toEqual([{ windingRule: 'NONZERO', data: 'M 0 100 L 50 0 L 100 100 Z' }]);
    expect(Object.isFrozen(triangle.vectorPaths)).toBe(true);
  });

  it('leaves the hole of an even-odd path unpainted, follows curves, and fills nothing for an open path', async () => {
    const figma = new FakeFigma();
    const ring = figma.addNode('VECTOR', 'Ring', { x: 0, y: 0, width: 100, height: 100 }, {
      fills: [red],
      vectorPaths: [{ windingRule: 'EVENODD', data: 'M 0 0 L 100 0 L 100 100 L 0 100 Z M 30 30 L 70 30 L 70 70 L 30 70 Z' }],
    });
    const ringPng = await ring.exportAsync({ format: 'PNG' });
    expect(pixelAt(ringPng, 10, 50)).toEqual(RED);
    expect(pixelAt(ringPng, 50, 50)).toEqual(TRANSPARENT);

    const bump = figma.addNode('VECTOR', 'Bump', { x: 0, y: 0, width: 100, height: 100 }, {
      fills: [red],
      vectorPaths: [{ windingRule: 'NONZERO', data: 'M 0 100 C 0 0 100 0 100 100 Z' }],
    });
    const bumpPng = await bump.exportAsync({ format: 'PNG' });
    expect(pixelAt(bumpPng, 50, 40)).toEqual(RED);
    expect(pixelAt(bumpPng, 3, 3)).toEqual(TRANSPARENT);

    const line = figma.addNode('VECTOR', 'Line', { x: 0, y: 0, width: 100, height: 100 }, { fills: [red], vectorPaths: [{ windingRule: 'NONE', data: 'M 0 0 L 100 100 L 0 100' }] });
    expect(pixelAt(await line.exportAsync({ format: 'PNG' }), 10, 90)).toEqual(TRANSPARENT);
  });

  it('paints nothing for a vector without vertices, as a new vector in Figma', async () => {
    const figma = new FakeFigma();
    const empty = figma.addShape('VECTOR', 'Empty', { x: 0, y: 0, width: 20, height: 20 }, [red]);
    expect(pixelAt(await empty.exportAsync({ format: 'PNG' }), 10, 10)).toEqual(TRANSPARENT);
  });

  it('refuses path data Figma does not take: relative, H/V or comma-joined commands', () => {
    const figma = new FakeFigma();
    const vector = figma.addNode('VECTOR', 'Pen', { x: 0, y: 0, width: 20, height: 20 }, { fills: [red] });
    for (const data of ['m 0 0 l 10 10 z', 'M 0 0 H 10 V 10 Z', 'M 0,0 L 10,10 Z', 'L 10 10']) {
      expect(() => (vector.vectorPaths = [{ windingRule: 'NONZERO', data }])).toThrow(/in set_vectorPaths: Property "vectorPaths" failed validation/);
    }
    expect(() => (vector.vectorPaths = [{ windingRule: 'ODD' as WindingRule, data: 'M 0 0 L 1 1 Z' }])).toThrow(/windingRule/);
    expect(vector.vectorPaths).toEqual([]);
  });

  it('gives overlapping nodes their own page boxes, and a hidden node no render bounds and no pixels', async () => {
    const figma = new FakeFigma();
    const frame = figma.addFrame('Photo', { x: 100, y: 50, width: 200, height: 100 });
    const mark = figma.addShape('RECTANGLE', 'Mark', { x: 20, y: 30, width: 40, height: 20 }, [red], frame);
    expect(frame.absoluteBoundingBox).toEqual({ x: 100, y: 50, width: 200, height: 100 });
    expect(mark.absoluteBoundingBox).toEqual({ x: 120, y: 80, width: 40, height: 20 });
    expect(mark.absoluteRenderBounds).toEqual({ x: 120, y: 80, width: 40, height: 20 });
    expect(pixelAt(await frame.exportAsync({ format: 'PNG' }), 30, 40)).toEqual(RED);

    mark.visible = false;
    expect(mark.absoluteRenderBounds).toBeNull();
    expect(mark.absoluteBoundingBox).toEqual({ x: 120, y: 80, width: 40, height: 20 });
    const framePng = await frame.exportAsync({ format: 'PNG' });
    expect(pixelAt(framePng, 30, 40)).toEqual([255, 255, 255, 255]);
    const markPng = await mark.exportAsync({ format: 'PNG' });
    expect(decodedSize(markPng)).toEqual({ width: 40, height: 20 });
    expect(pixelAt(markPng, 20, 10)).toEqual(TRANSPARENT);
  });
});
