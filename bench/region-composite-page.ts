/**
 * What the region composite bench runs in Chromium: the plugin's own composite (ui/region-canvas.ts),
 * and the floor under it, the browser's decode and PNG encode of an image that size with no plugin
 * code. Bundled by the bench, never part of dist/.
 */
export { compositeRegion } from '../ui/region-canvas';

/** The floor: decode a PNG into an OffscreenCanvas and encode the canvas as a PNG again. */
export async function decodeAndEncode(bytes: Uint8Array): Promise<number> {
  const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
  return (await canvas.convertToBlob({ type: 'image/png' })).size;
}
