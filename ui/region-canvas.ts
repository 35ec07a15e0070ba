import { maskReach, type PixelBox, type PixelPoint } from '../shared/region-geometry';
import { decodePng } from './png-decoder';
import { type EncodedRows, encodeChanged, encodingRows, joinPng, type PreparedRows, preparingRows } from './png-encoder';
import { blendThroughMask, changingSpans, feathering, maskingCrop, maskInCrop, type Pixels } from './region-mask';
import { inSlices, slicer } from './time-slices';

/**
 * The canvas around a region edit's arithmetic (region-mask.ts): the answer decoded with the
 * browser's own codec in an OffscreenCanvas and scaled to the crop box by the canvas, the
 * composite encoded by png-encoder.ts. The layer and the shape are decoded by png-decoder.ts,
 * exactly and with no colour conversion (a canvas would round see-through pixels), so a pixel the
 * mask leaves alone is the layer's own export.
 *
 * The composite is made in two steps so that the designer waits for as little as possible once
 * the answer is in: everything that does not need it (decoding the layer and the shape, the
 * feathered mask, compressing the rows the mask does not reach, and of the rows it reaches, what
 * lies left and right of it) is done when the edit is sent, while the model works; the answer then
 * only needs decoding, scaling, blending into the rows the mask reaches and the part of each row
 * the blend can change compressed.
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

/**
 * How the answer is scaled to the crop box. Enlarging it (the usual case: a 1024 px answer for a
 * crop of up to 2048 px) is bilinear ('low'): at 2048 px it costs Chromium 7 ms over a plain copy
 * where the cubic filter ('high') costs 75, and side by side, even at 3× zoom on text and a photo,
 * the two are hard to tell apart. Shrinking it keeps the cubic filter, which, unlike bilinear, does
 * not alias fine detail (moiré on lines and text); a crop smaller than the answer is cheap anyway.
 */
export function scaleQuality(answer: { width: number; height: number }, crop: PixelBox): ImageSmoothingQuality {
  return crop.width >= answer.width && crop.height >= answer.height ? 'low' : 'high';
}

/** A bitmap's pixels, drawn into a canvas (by default one its size) at `at` (by default filling it). */
function pixelsOf(
  bitmap: ImageBitmap,
  draw = context(new OffscreenCanvas(bitmap.width, bitmap.height)),
  at: PixelBox = { x: 0, y: 0, width: draw.canvas.width, height: draw.canvas.height },
  quality: ImageSmoothingQuality = 'high',
): Pixels {
  draw.imageSmoothingQuality = quality;
  draw.drawImage(bitmap, at.x, at.y, at.width, at.height);
  return draw.getImageData(0, 0, draw.canvas.width, draw.canvas.height);
}

/**
 * An export as it is: decoded here, since a canvas would round the colours of its see-through
 * pixels (it keeps them premultiplied), and a few milliseconds at a time; through the canvas only
 * a PNG the decoder does not read, which an export is not.
 */
async function exactPixels(png: Uint8Array, breathe?: () => Promise<void>): Promise<Pixels> {
  return (await decodePng(png, breathe)) ?? pixelsOf(await createImageBitmap(blobOf(png), AS_IS));
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

/** What the composite is made from, besides the answer. */
export interface RegionPixels {
  /** The layer's full export. */
  layer: Uint8Array;
  /** The shape's export and where it sits in the layer's pixels. */
  shape: Uint8Array;
  shapeOffset: PixelPoint;
  crop: PixelBox;
  featherPx: number;
}

/** A composite ready for its answer: the layer's rows the mask reaches, the mask there, and the other rows compressed. */
export interface PreparedComposite {
  width: number;
  height: number;
  crop: PixelBox;
  /** Where the feathered mask can change the layer, and its alpha there. */
  reach: PixelBox;
  mask: Uint8ClampedArray;
  /** The layer's rows from the reach's top to its bottom, full width, as exported. */
  rows: Uint8Array;
  /** Those rows compressed but for the span of each that the blend can change. */
  changing: PreparedRows;
  above?: EncodedRows;
  below?: EncodedRows;
}

/**
 * Does the composite's work that needs no answer: done while the model works, a few milliseconds
 * at a time (time-slices.ts), so the panel answers the designer meanwhile.
 */
export async function prepareComposite({ layer, shape, shapeOffset, crop, featherPx }: RegionPixels): Promise<PreparedComposite> {
  // One budget for every step, so that no two steps' work shares a slice.
  const breathe = slicer();
  const { width, height, data: pixels } = await exactPixels(layer, breathe);
  const shapePixels = await exactPixels(shape, breathe);
  const reach = maskReach({ ...shapeOffset, width: shapePixels.width, height: shapePixels.height }, crop, featherPx);
  const alpha = await inSlices(maskingCrop(shapePixels, shapeOffset, reach), breathe);
  const mask = await inSlices(feathering(alpha, reach.width, reach.height, featherPx), breathe);
  const rowsOf = (from: number, to: number) => pixels.subarray(from * width * 4, to * width * 4);
  const bottom = reach.y + reach.height;
  const rows = new Uint8Array(rowsOf(reach.y, bottom));
  await breathe();
  const changing = await inSlices(preparingRows(rows, width, reach.height, changingSpans(mask, reach, width)), breathe);
  const above = reach.y > 0 ? await inSlices(encodingRows(rowsOf(0, reach.y), width, reach.y), breathe) : undefined;
  const below = bottom < height ? await inSlices(encodingRows(rowsOf(bottom, height), width, height - bottom), breathe) : undefined;
  return { width, height, crop, reach, mask, rows, changing, above, below };
}

/**
 * The layer with the answer, scaled to the crop box, blended in through the shape's feathered
 * alpha: one PNG at the layer's export size. `step` is told as each step ends (the bench times them).
 */
export async function finishComposite(prepared: PreparedComposite, answer: Uint8Array, step: (name: string) => void = () => {}): Promise<Uint8Array> {
  const { width, height, crop, reach, mask } = prepared;
  const decoding = createImageBitmap(blobOf(answer), AS_IS);
  // While the browser decodes the answer (off this thread): the rows to blend it into, and the canvas to scale it in.
  const rows = prepared.rows.slice();
  // Only the reach of the scaled answer is drawn and read back.
  const draw = context(new OffscreenCanvas(reach.width, reach.height));
  const answerBitmap = await decoding;
  step('decode the answer');
  const over = pixelsOf(answerBitmap, draw, { x: crop.x - reach.x, y: crop.y - reach.y, width: crop.width, height: crop.height }, scaleQuality(answerBitmap, crop));
  step('scale it to the crop');
  blendThroughMask({ width, height: reach.height, data: rows }, { x: reach.x, y: 0 }, over, mask);
  step('blend');
  const changed = encodeChanged(prepared.changing, rows);
  step('compress the rows it changes');
  const png = joinPng(width, height, [prepared.above, changed, prepared.below].filter((part) => part !== undefined));
  step('join');
  return png;
}
