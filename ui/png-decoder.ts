/**
 * Decodes a PNG to straight (not premultiplied) 8-bit RGBA, exactly as stored. The browser's own
 * decoding reaches the plugin's code through a canvas, which keeps pixels premultiplied by their
 * alpha: a pixel of alpha 10 comes back with each colour rounded to one of 11 levels. A region
 * edit must leave the layer's pixels outside the shape as they are, soft edges and shadows
 * included, so the layer is decoded here: the browser inflates (DecompressionStream), this
 * unfilters the rows (ISO 15948 §9) and spreads them to RGBA.
 *
 * It reads the PNGs an export makes: 8 bits a sample, not interlaced, any colour type. Anything
 * else is undefined, for the caller to decode as before. It runs a few milliseconds at a time
 * (time-slices.ts): it decodes a layer while the designer may be using the panel.
 */

import { inSlices, type Pieces, ROWS_A_PIECE, slicer } from './time-slices';

export interface DecodedPng {
  width: number;
  height: number;
  /** RGBA, row after row, not premultiplied. */
  data: Uint8ClampedArray;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
/** Samples per pixel of each colour type: grey, RGB, palette index, grey and alpha, RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

interface Header {
  width: number;
  height: number;
  colourType: number;
}

function chunksOf(bytes: Uint8Array): { header?: Header; palette?: Uint8Array; transparency?: Uint8Array; data: Uint8Array[]; supported: boolean } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data: Uint8Array[] = [];
  let header: Header | undefined;
  let palette: Uint8Array | undefined;
  let transparency: Uint8Array | undefined;
  let supported = true;
  for (let at = SIGNATURE.length; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      const [bitDepth, colourType, , , interlace] = body.subarray(8, 13);
      header = { width: view.getUint32(at + 8), height: view.getUint32(at + 12), colourType };
      supported = bitDepth === 8 && interlace === 0 && CHANNELS[colourType] !== undefined;
    } else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') transparency = body;
    else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  return { header, palette, transparency, data, supported };
}

/** Compressed bytes the browser inflates at a time, between which the decoding may pause: some 1 ms of a photo's. */
const INFLATE_PIECE = 1 << 16;

/**
 * The zlib stream of the IDAT chunks inflated, its first `length` bytes (the rows the header
 * gives). Fed to the browser a piece at a time, with pauses (time-slices.ts) between pieces: given
 * all at once, it inflates a 2048 px layer in one go, the panel's thread held some 100 ms.
 */
async function inflate(parts: Uint8Array[], length: number, breathe: () => Promise<void>): Promise<Uint8Array> {
  const stream = new DecompressionStream('deflate');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  const raw = new Uint8Array(length);
  let at = 0;
  const reading = (async () => {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      // Bytes past the rows (a stream may hold more) are left out.
      if (at < length) raw.set(read.value.subarray(0, length - at), at);
      at += read.value.length;
    }
  })();
  const writing = (async () => {
    for (const part of parts) {
      for (let from = 0; from < part.length; from += INFLATE_PIECE) {
        await writer.write(part.subarray(from, from + INFLATE_PIECE) as Uint8Array<ArrayBuffer>);
        await breathe();
      }
    }
    await writer.close();
  })();
  // A stream that breaks fails both sides: wait for both, report the first.
  const [written, read] = await Promise.allSettled([writing, reading]);
  if (written.status === 'rejected') throw written.reason;
  if (read.status === 'rejected') throw read.reason;
  if (at < length) throw new Error('This PNG holds fewer rows than its header says.');
  return raw;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * Undoes row `y`'s filter in place (a Uint8Array wraps each sum to a byte, as the format wants);
 * the rows are `stride` bytes apart, each after its filter byte. One loop per filter: a test per
 * byte would cost as much as the arithmetic.
 */
function unfilterRow(raw: Uint8Array, stride: number, y: number, bpp: number): void {
  const row = y * (stride + 1) + 1;
  const up = row - stride - 1;
  const filter = raw[row - 1];
  const first = y === 0;
  if (filter === 1) {
    for (let i = row + bpp; i < row + stride; i++) raw[i] += raw[i - bpp];
  } else if (filter === 2) {
    if (!first) for (let i = 0; i < stride; i++) raw[row + i] += raw[up + i];
  } else if (filter === 3) {
    for (let i = 0; i < stride; i++) raw[row + i] += ((i >= bpp ? raw[row + i - bpp] : 0) + (first ? 0 : raw[up + i])) >> 1;
  } else if (filter === 4) {
    for (let i = 0; i < bpp; i++) raw[row + i] += first ? 0 : raw[up + i];
    for (let i = bpp; i < stride; i++) raw[row + i] += first ? raw[row + i - bpp] : paeth(raw[row + i - bpp], raw[up + i], raw[up + i - bpp]);
  } else if (filter !== 0) {
    throw new Error(`This PNG's row ${y} has an unknown filter (${filter}).`);
  }
}

/** The rows unfiltered, top to bottom (each needs the one above as it is), then spread to RGBA. */
function* rgbaOf(raw: Uint8Array, header: Header, palette: Uint8Array | undefined, transparency: Uint8Array | undefined): Pieces<Uint8ClampedArray> {
  const { width, height, colourType } = header;
  const channels = CHANNELS[colourType];
  const stride = width * channels;
  for (let y = 0; y < height; y++) {
    if (y % ROWS_A_PIECE === 0) yield;
    unfilterRow(raw, stride, y, channels);
  }
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    if (y % ROWS_A_PIECE === 0) yield;
    spreadRow(raw, header, palette, transparency, y, rgba);
  }
  return rgba;
}

/** Row `y`, unfiltered, as RGBA into `rgba`. */
function spreadRow(raw: Uint8Array, { width, colourType }: Header, palette: Uint8Array | undefined, transparency: Uint8Array | undefined, y: number, rgba: Uint8ClampedArray): void {
  const channels = CHANNELS[colourType];
  const stride = width * channels;
  const row = y * (stride + 1) + 1;
  if (colourType === 6) {
    rgba.set(raw.subarray(row, row + stride), y * stride);
    return;
  }
  for (let x = 0; x < width; x++) {
    const from = row + x * channels;
    const to = (y * width + x) * 4;
    if (colourType === 2) {
      rgba[to] = raw[from];
      rgba[to + 1] = raw[from + 1];
      rgba[to + 2] = raw[from + 2];
      // tRNS for RGB names one colour (16 bits a sample) that is transparent.
      rgba[to + 3] = transparency && transparency.length >= 6 && transparency[1] === raw[from] && transparency[3] === raw[from + 1] && transparency[5] === raw[from + 2] ? 0 : 255;
    } else if (colourType === 3) {
      const index = raw[from];
      rgba.set(palette!.subarray(index * 3, index * 3 + 3), to);
      rgba[to + 3] = transparency && index < transparency.length ? transparency[index] : 255;
    } else {
      const grey = raw[from];
      rgba[to] = rgba[to + 1] = rgba[to + 2] = grey;
      rgba[to + 3] = colourType === 4 ? raw[from + 1] : transparency && transparency.length >= 2 && transparency[1] === grey ? 0 : 255;
    }
  }
}

/** The PNG's pixels, or undefined for one it does not read; `breathe` gives the thread back now and then (time-slices.ts). */
export async function decodePng(bytes: Uint8Array, breathe = slicer()): Promise<DecodedPng | undefined> {
  if (!SIGNATURE.every((byte, i) => bytes[i] === byte)) return undefined;
  const { header, palette, transparency, data, supported } = chunksOf(bytes);
  if (!header || !supported || data.length === 0 || (header.colourType === 3 && !palette)) return undefined;
  const { width, height, colourType } = header;
  const raw = await inflate(data, height * (width * CHANNELS[colourType] + 1), breathe);
  return { width, height, data: await inSlices(rgbaOf(raw, header, palette, transparency), breathe) };
}
