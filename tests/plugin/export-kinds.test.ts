import { describe, expect, it } from 'vitest';
import { startPlugin } from '../../plugin/controller';
import type { PluginMessage } from '../../shared/protocol';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { decodedSize } from '../fakes/png';

type Of<T extends PluginMessage['type']> = Extract<PluginMessage, { type: T }>;

const grey: SolidPaint = { type: 'SOLID', color: { r: 0.5, g: 0.5, b: 0.5 } };
const shadow: DropShadowEffect = { type: 'DROP_SHADOW', color: { r: 0, g: 0, b: 0, a: 0.5 }, offset: { x: 0, y: 40 }, radius: 60, spread: 0, visible: true, blendMode: 'NORMAL' };

describe('references from every kind of layer, within 2048 px', () => {
  it('exports turned, shadowed, grouped, sectioned and text layers as what they show, the longest side at most 2048 px', async () => {
    const figma = new FakeFigma();
    startPlugin(figma);
    const turned = figma.addNode('FRAME', 'Turned', { x: 0, y: 0, width: 2100, height: 60 }, { fills: [grey], rotation: 30 });
    const shadowed = figma.addNode('RECTANGLE', 'Shadowed', { x: 0, y: 3000, width: 2048, height: 100 }, { fills: [grey], effects: [shadow] });
    const a = figma.addShape('RECTANGLE', 'A', { x: 0, y: 5000, width: 100, height: 100 }, [grey]);
    const b = figma.addShape('ELLIPSE', 'B', { x: 300, y: 5000, width: 100, height: 100 }, [grey]);
    const group = figma.addGroup('Group', [a, b]);
    const section = figma.addNode('SECTION', 'Section', { x: 0, y: 6000, width: 800, height: 600 }, { fills: [grey] });
    const text = figma.addNode('TEXT', 'Title', { x: 0, y: 7000, width: 300, height: 40 }, { fills: [grey], characters: 'Hello' });
    figma.select(turned, shadowed, group, section, text);

    await figma.sendFromUi({ type: 'export-references', requestId: 'r' });

    expect(figma.messagesOfType('references-failed')).toEqual([]);
    const sizes = figma.messagesOfType<Of<'reference'>>('reference').map((r) => [r.name, decodedSize(r.bytes)]);
    expect(sizes.map(([name]) => name)).toEqual(['Turned', 'Shadowed', 'Group', 'Section', 'Title']);
    for (const [, size] of sizes) expect(Math.max((size as { width: number }).width, (size as { height: number }).height)).toBeLessThanOrEqual(2048);
    // The shadow makes the shadowed layer's picture larger than the layer, so it is scaled to fit.
    const [, shadowSize] = sizes[1] as [string, { width: number; height: number }];
    expect(shadowSize.width).toBe(2048);
    expect(shadowSize.height).toBeGreaterThan(100 * (2048 / (2048 + 120)));
    expect(sizes[2][1]).toEqual({ width: 400, height: 100 });
  });
});
