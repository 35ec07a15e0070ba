import { describe, expect, it } from 'vitest';
import { FakeFigma } from '../../emulator/figma/fake-figma';

const red: SolidPaint = { type: 'SOLID', color: { r: 1, g: 0, b: 0 } };
const blue: SolidPaint = { type: 'SOLID', color: { r: 0, g: 0, b: 1 } };

describe('the fake figma’s undo, as a plugin sees Figma’s', () => {
  it('undoes to the last commitUndo, or to the one before when nothing changed since', () => {
    const figma = new FakeFigma();
    const card = figma.addShape('RECTANGLE', 'Card', { x: 0, y: 0, width: 100, height: 100 }, [red]);
    const made = figma.createRectangle();
    figma.commitUndo();
    card.fills = [blue];
    card.x = 50;
    card.setPluginData('k', 'v');
    figma.commitUndo();

    figma.triggerUndo();
    expect([card.fills, card.x, card.getPluginData('k')]).toEqual([[red], 0, '']);
    expect(figma.page.children).toEqual([card, made]);
    figma.triggerUndo();
    expect(made.removed).toBe(true);
    expect(figma.page.children).toEqual([card]);
  });

  it('merges plugin changes that were never committed into one step with what came before', () => {
    const figma = new FakeFigma();
    const card = figma.addShape('RECTANGLE', 'Card', { x: 0, y: 0, width: 100, height: 100 }, [red]);
    figma.createRectangle();
    card.fills = [blue];
    figma.triggerUndo();
    expect(figma.page.children).toEqual([card]);
    expect(card.fills).toEqual([red]);
  });
});
