import type { PixelBox, PixelPoint } from '../shared/region-geometry';
import { blendThroughMask, featheredMask, maskInCrop, type Pixels } from './region-mask';

/**
 * The canvas around a region edit's arithmetic (region-mask.ts): PNGs decoded and encoded with the
 * browser's own codecs in an OffscreenCanvas, the answer scaled to the crop box by the canvas.
 * Images are decoded as they are, with no colour conversion, so a pixel the mask leaves alone is
 * the layer's own export, exactly.
 */

const AS_IS: ImageBitmapOptions = { colorSpaceConversion: 'none', premultiplyAlpha: 'none' };

function blobOf(bytes: Uint8Array): Blob {
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' });
}

function context(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D {
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('This browser gives the plugin no 2D canvas');
  return context;
}

async function pngBytes(canvas: OffscreenCanvas): Promise<Uint8Array> {
  return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
}

/** A bitmap's pixels, drawn at `width` × `height`. */
function pixelsOf(bitmap: ImageBitmap, width = bitmap.width, height = bitmap.height): Pixels {
  const canvas = new OffscreenCanvas(width, height);
  const draw = context(canvas);
  draw.imageSmoothingQuality = 'high';
  draw.drawImage(bitmap, 0, 0, width, height);
  return draw.getImageData(0, 0, width, height);
}

/** The part of the layer's export that is sent to the model, as a PNG. */
export async function cropPng(layer: Uint8Array, crop: PixelBox): Promise<Uint8Array> {
  const bitmap = await createImageBitmap(blobOf(layer), crop.x, crop.y, crop.width, crop.height, AS_IS);
  const canvas = new OffscreenCanvas(crop.width, crop.height);
  context(canvas).drawImage(bitmap, 0, 0);
  return pngBytes(canvas);
}

/** The shape's alpha within the crop, for a check before anything is sent. */
export async function maskOfCrop(shape: Uint8Array, offset: PixelPoint, crop: PixelBox): Promise<Uint8ClampedArray> {
  return maskInCrop(pixelsOf(await createImageBitmap(blobOf(shape), AS_IS)), offset, crop);
}

export interface Composite {
  /** The layer's full export. */
  layer: Uint8Array;
  /** The shape's export and where it sits in the layer's pixels. */
  shape: Uint8Array;
  shapeOffset: PixelPoint;
  crop: PixelBox;
  /** The model's answer, of whatever size it came back. */
  answer: Uint8Array;
  featherPx: number;
}

/**
 * The layer with the answer, scaled to the crop box, blended in through the shape's feathered
 * alpha: one PNG at the layer's export size. Only the crop is read back and written; the rest of
 * the layer is drawn as exported.
 */
export async function compositeRegion({ layer, shape, shapeOffset, crop, answer, featherPx }: Composite): Promise<Uint8Array> {
  const [layerBitmap, shapeBitmap, answerBitmap] = await Promise.all([
    createImageBitmap(blobOf(layer), AS_IS),
    createImageBitmap(blobOf(shape), AS_IS),
    createImageBitmap(blobOf(answer), AS_IS),
  ]);
  const canvas = new OffscreenCanvas(layerBitmap.width, layerBitmap.height);
  const draw = context(canvas);
  draw.drawImage(layerBitmap, 0, 0);
  const under = draw.getImageData(crop.x, crop.y, crop.width, crop.height);
  const mask = featheredMask(maskInCrop(pixelsOf(shapeBitmap), shapeOffset, crop), crop.width, crop.height, featherPx);
  blendThroughMask(under, pixelsOf(answerBitmap, crop.width, crop.height), mask);
  draw.putImageData(under, crop.x, crop.y);
  return pngBytes(canvas);
}
