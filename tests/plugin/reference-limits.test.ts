import { describe, expect, it } from 'vitest';
import { noisePng } from '../fakes/noise-png';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { startPlugin } from '../../plugin/controller';
import type { PluginMessage } from '../../shared/protocol';
import { DEFAULT_REQUEST_LIMITS, MB } from '../../shared/request-limits';

type Of<T extends PluginMessage['type']> = Extract<PluginMessage, { type: T }>;

/** Layers painted with noise, whose PNGs do not compress: about 3 bytes a pixel. */
function photos(figma: FakeFigma, count: number, side: number) {
  return Array.from({ length: count }, (_, i) => {
    const frame = figma.addFrame(`Photo ${i + 1}`, { x: i * (side + 20), y: 0, width: side, height: side });
    frame.fills = [{ type: 'IMAGE', imageHash: figma.createImage(noisePng(side, side, i + 1)).hash, scaleMode: 'FILL' }];
    return frame;
  });
}

describe('a selection too large for the relay, refused while it is exported', () => {
  it('stops at the first layer that takes the selection past the relay’s total, with the whole selection’s estimated size', async () => {
    const figma = new FakeFigma();
    startPlugin(figma);
    figma.page.selection = photos(figma, 8, 512);
    const limits = { ...DEFAULT_REQUEST_LIMITS, maxTotalImageBytes: 2 * MB };
    await figma.sendFromUi({ type: 'export-references', requestId: 'big', limits });
    const [failed] = figma.messagesOfType<Of<'references-failed'>>('references-failed');
    expect(failed?.message).toBe('These 8 layers come to about 6.9 MB as PNGs; the relay takes at most 2 MB. Select fewer or smaller layers.');
    expect(figma.messagesOfType<Of<'reference'>>('reference').length).toBeLessThan(3);
  });

  it('names a single layer larger than the relay takes for one image', async () => {
    const figma = new FakeFigma();
    startPlugin(figma);
    figma.page.selection = photos(figma, 2, 512);
    await figma.sendFromUi({ type: 'export-references', requestId: 'one', limits: { ...DEFAULT_REQUEST_LIMITS, maxImageBytes: 512 * 1024 } });
    expect(figma.messagesOfType<Of<'references-failed'>>('references-failed').map((m) => m.message)).toEqual([
      '“Photo 1” comes to 887.5 KB as a PNG; the relay takes at most 512 KB per layer. Select a smaller layer.',
    ]);
    expect(figma.messagesOfType<Of<'reference'>>('reference')).toEqual([]);
  });

  it('counts layers against the relay’s own maximum', async () => {
    const figma = new FakeFigma();
    startPlugin(figma);
    figma.page.selection = photos(figma, 5, 16);
    await figma.sendFromUi({ type: 'export-references', requestId: 'many', limits: { ...DEFAULT_REQUEST_LIMITS, maxImages: 4 } });
    expect(figma.messagesOfType<Of<'references-failed'>>('references-failed').map((m) => m.message)).toEqual(['Select at most 4 layers: 5 are selected.']);
  });

  it('exports a selection that fits in full', async () => {
    const figma = new FakeFigma();
    startPlugin(figma);
    figma.page.selection = photos(figma, 3, 64);
    await figma.sendFromUi({ type: 'export-references', requestId: 'fits', limits: DEFAULT_REQUEST_LIMITS });
    expect(figma.messagesOfType<Of<'reference'>>('reference').map((r) => r.name)).toEqual(['Photo 1', 'Photo 2', 'Photo 3']);
    expect(figma.messagesOfType<Of<'references-failed'>>('references-failed')).toEqual([]);
  });
});
