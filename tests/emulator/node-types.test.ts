import { describe, expect, it } from 'vitest';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { decodedSize, pixelAt } from '../fakes/png';

const red: SolidPaint = { type: 'SOLID', color: { r: 1, g: 0, b: 0 } };
const blue: SolidPaint = { type: 'SOLID', color: { r: 0, g: 0, b: 1 } };
const shadow: DropShadowEffect = {
  type: 'DROP_SHADOW',
  color: { r: 0, g: 0, b: 0, a: 1 },
  offset: { x: 20, y: 10 },
  radius: 4,
  spread: 0,
  visible: true,
  blendMode: 'NORMAL',
};

describe('the fake figma’s node types, as Figma’s', () => {
  it('makes a group that has no fills and is the bounds of its layers, which keep their container’s coordinates', () => {
    const figma = new FakeFigma();
    const frame = figma.addFrame('Frame', { x: 100, y: 100, width: 400, height: 400 });
    const a = figma.addShape('RECTANGLE', 'A', { x: 10, y: 20, width: 50, height: 50 }, [red], frame);
    const b = figma.addShape('ELLIPSE', 'B', { x: 100, y: 60, width: 40, height: 40 }, [blue], frame);
    const group = figma.addGroup('Group', [a, b]);

    expect(group.type).toBe('GROUP');
    expect('fills' in group).toBe(false);
    expect([group.x, group.y, group.width, group.height]).toEqual([10, 20, 130, 80]);
    expect(group.absoluteBoundingBox).toEqual({ x: 110, y: 120, width: 130, height: 80 });
    expect(a.absoluteBoundingBox).toEqual({ x: 110, y: 120, width: 50, height: 50 });
    group.x = 30;
    expect([a.x, b.x]).toEqual([30, 120]);
    a.remove();
    b.remove();
    expect(group.removed).toBe(true);
    expect(frame.children).toEqual([]);
  });

  it('makes sections with fills and children but no rotation, resize or render bounds', () => {
    const figma = new FakeFigma();
    const section = figma.addNode('SECTION', 'Section', { x: 0, y: 0, width: 600, height: 400 }, { fills: [red] });
    figma.addFrame('Inside', { x: 20, y: 20, width: 100, height: 100 }, [255, 255, 255], section);
    expect(section.fills).toEqual([red]);
    expect(section.children.map((node) => node.name)).toEqual(['Inside']);
    for (const member of ['rotation', 'resize', 'absoluteRenderBounds', 'effects']) expect(member in section).toBe(false);
    expect(section.absoluteBoundingBox).toEqual({ x: 0, y: 0, width: 600, height: 400 });
  });

  it('refuses to put a layer into an instance, or into a layer inside one, with Figma’s error', () => {
    const figma = new FakeFigma();
    const component = figma.addNode('COMPONENT', 'Button', { x: 0, y: 0, width: 120, height: 40 }, { fills: [blue] });
    const instance = figma.addNode('INSTANCE', 'Button', { x: 200, y: 0, width: 120, height: 40 }, { fills: [blue] });
    const label = figma.addNode('FRAME', 'Label', { x: 10, y: 10, width: 100, height: 20 }, { parent: instance });
    const error = 'in appendChild: Cannot move node. New parent is an instance or is inside of an instance';
    expect(() => instance.appendChild(figma.createRectangle() as never)).toThrow(error);
    expect(() => label.appendChild(figma.createRectangle() as never)).toThrow(error);
    component.appendChild(figma.createRectangle() as never);
    expect(component.children).toHaveLength(1);
  });

  it('makes text and vector layers with fills', () => {
    const figma = new FakeFigma();
    const text = figma.addNode('TEXT', 'Title', { x: 0, y: 0, width: 200, height: 24 }, { fills: [red], characters: 'Summer sale', fontSize: 20 });
    const vector = figma.addShape('VECTOR', 'Icon', { x: 0, y: 40, width: 24, height: 24 }, [blue]);
    expect([text.type, text.characters, text.fills]).toEqual(['TEXT', 'Summer sale', [red]]);
    expect([vector.type, vector.fills]).toEqual(['VECTOR', [blue]]);
  });

  it('turns a layer about its top-left corner: its bounding box and export are the turned box', async () => {
    const figma = new FakeFigma();
    const bar = figma.addShape('RECTANGLE', 'Bar', { x: 100, y: 100, width: 200, height: 50 }, [red]);
    bar.rotation = 90;
    expect(bar.rotation).toBe(90);
    expect([bar.x, bar.y, bar.width, bar.height]).toEqual([100, 100, 200, 50]);
    const box = bar.absoluteBoundingBox;
    expect([box.x, box.y, box.width, box.height].map(Math.round)).toEqual([100, -100, 50, 200]);
    const png = await bar.exportAsync({ format: 'PNG' });
    expect(decodedSize(png)).toEqual({ width: 50, height: 200 });
    expect(pixelAt(png, 25, 100)).toEqual([255, 0, 0, 255]);
    bar.rotation = 270;
    expect(bar.rotation).toBe(-90);
  });

  it('gives a layer with a drop shadow render bounds larger than its box, and exports the shadow too', async () => {
    const figma = new FakeFigma();
    const card = figma.addShape('RECTANGLE', 'Card', { x: 0, y: 0, width: 100, height: 100 }, [red]);
    card.effects = [shadow];
    expect(card.absoluteBoundingBox).toEqual({ x: 0, y: 0, width: 100, height: 100 });
    // The shadow, moved by its offset and grown by its blur radius, reaches past the right and bottom edges.
    expect(card.absoluteRenderBounds).toEqual({ x: 0, y: 0, width: 124, height: 114 });
    const png = await card.exportAsync({ format: 'PNG' });
    expect(decodedSize(png)).toEqual({ width: 124, height: 114 });
    expect(pixelAt(png, 50, 50)).toEqual([255, 0, 0, 255]);
    expect(pixelAt(png, 110, 102)).toEqual([0, 0, 0, 255]);
    expect(pixelAt(png, 2, 110)[3]).toBe(0);
    expect(decodedSize(await card.exportAsync({ format: 'PNG', useAbsoluteBounds: true }))).toEqual({ width: 100, height: 100 });
    card.effects = [{ ...shadow, visible: false }];
    expect(card.absoluteRenderBounds).toEqual(card.absoluteBoundingBox);
  });

  it('gives a hidden layer, and every layer inside a hidden one, null render bounds', () => {
    const figma = new FakeFigma();
    const frame = figma.addFrame('Frame', { x: 0, y: 0, width: 100, height: 100 });
    const inner = figma.addShape('RECTANGLE', 'Inner', { x: 10, y: 10, width: 10, height: 10 }, [red], frame);
    const hidden = figma.addNode('RECTANGLE', 'Hidden', { x: 200, y: 0, width: 10, height: 10 }, { visible: false });
    expect(hidden.absoluteRenderBounds).toBeNull();
    expect(hidden.absoluteBoundingBox).toEqual({ x: 200, y: 0, width: 10, height: 10 });
    frame.visible = false;
    expect(inner.absoluteRenderBounds).toBeNull();
  });

  it('hands out frozen paints: changing one in place throws, assigning a new array works', () => {
    const figma = new FakeFigma();
    const card = figma.addShape('RECTANGLE', 'Card', { x: 0, y: 0, width: 10, height: 10 }, [red]);
    const fills = card.fills as SolidPaint[];
    expect(() => {
      (fills[0].color as { r: number }).r = 0.5;
    }).toThrow(TypeError);
    expect(() => fills.push(blue)).toThrow(TypeError);
    expect(() => {
      (fills[0] as { opacity?: number }).opacity = 0.5;
    }).toThrow(TypeError);
    card.fills = [...fills, blue];
    expect(card.fills).toEqual([red, blue]);
    // What was assigned is copied: changing it afterwards changes nothing on the node.
    const mine: SolidPaint[] = [{ type: 'SOLID', color: { r: 0, g: 1, b: 0 } }];
    card.fills = mine;
    (mine[0].color as { r: number }).r = 1;
    expect((card.fills[0] as SolidPaint).color.r).toBe(0);
    expect(() => {
      card.fills = [{ type: 'SOLID', color: { r: 2, g: 0, b: 0 } }];
    }).toThrow('Expected "fills.[0].color.r" to have value <= 1');
    expect(() => {
      (card.effects as Effect[])[0] = shadow;
    }).toThrow(TypeError);
  });
});
