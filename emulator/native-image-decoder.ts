import type { Rgba } from '../shared/png-rgba';

/**
 * Decodes an image with the browser's own decoder, off the page's thread, to straight (not
 * premultiplied) RGBA. It starts in a later task: handing the bytes over (a copy into a Blob) takes
 * tens of milliseconds for a large image, which Figma's native decoder does not charge to the
 * plugin code that asked for the pixels.
 */
export async function decodeNatively(bytes: Uint8Array): Promise<Rgba> {
  await new Promise((resolve) => setTimeout(resolve));
  const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  const { width, height } = bitmap;
  const context = new OffscreenCanvas(width, height).getContext('2d') as OffscreenCanvasRenderingContext2D;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return { width, height, rgba: new Uint8Array(context.getImageData(0, 0, width, height).data.buffer) };
}
