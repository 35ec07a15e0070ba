/**
 * What the region composite bench runs in Chromium: the plugin's own composite (ui/region-canvas.ts)
 * in its two steps, and the floor under the second, the browser's own decode of the answer and its
 * scaling to the crop with no plugin code. Bundled by the bench, never part of dist/.
 */
import type { PixelBox } from '../shared/region-geometry';

import { scaleQuality } from '../ui/region-canvas';

export { finishComposite, prepareComposite } from '../ui/region-canvas';

/** The floor: decode the answer, draw it scaled to the crop into a canvas of the mask's reach (at the plugin's quality), read the pixels back. */
export async function decodeAndScale(answer: Uint8Array, crop: PixelBox, reach: PixelBox): Promise<number> {
  const bitmap = await createImageBitmap(new Blob([answer as Uint8Array<ArrayBuffer>], { type: 'image/png' }), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const draw = new OffscreenCanvas(reach.width, reach.height).getContext('2d', { willReadFrequently: true })!;
  draw.imageSmoothingQuality = scaleQuality(bitmap, crop);
  draw.drawImage(bitmap, crop.x - reach.x, crop.y - reach.y, crop.width, crop.height);
  return draw.getImageData(0, 0, reach.width, reach.height).data.length;
}

/**
 * The work's result and the long tasks (over 50 ms: the browser's threshold for a page that stops
 * answering) the page's thread ran meanwhile, as the browser reports them.
 */
export async function withLongTasks<T>(work: () => Promise<T>): Promise<{ value: T; longTasks: number[] }> {
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((entry) => entry.duration)));
  observer.observe({ type: 'longtask' });
  try {
    const value = await work();
    // Entries arrive after their task has ended: one more task lets the last one in.
    await new Promise((resolve) => setTimeout(resolve, 0));
    return { value, longTasks: [...longTasks, ...observer.takeRecords().map((entry) => entry.duration)] };
  } finally {
    observer.disconnect();
  }
}

/** The size of the browser's own PNG of the same pixels, to compare the composite's size with. */
export async function browserPngSize(png: Uint8Array): Promise<number> {
  const bitmap = await createImageBitmap(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
  return (await canvas.convertToBlob({ type: 'image/png' })).size;
}
