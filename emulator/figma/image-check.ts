import { readPngSize } from '../../shared/png-size';

const MAX_IMAGE_SIDE = 4096;
const CHUNK_OVERHEAD = 12; // length, type and CRC around each chunk's data

/** Whether the PNG's chunks run whole from its header to IEND: a cut-off or garbled file fails this. */
function chunksAreWhole(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let sawImageData = false;
  for (let at = 8; at + CHUNK_OVERHEAD <= bytes.length; ) {
    const end = at + CHUNK_OVERHEAD + view.getUint32(at);
    if (end > bytes.length) return false;
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    if (type === 'IDAT') sawImageData = true;
    if (type === 'IEND') return sawImageData;
    at = end;
  }
  return false;
}

/**
 * The checks createImage makes before it takes an image, on the encoded bytes alone so they cost
 * microseconds at any size, as a native createImage does: a PNG (the one format this fake
 * decodes), whole from its header to its last chunk, at most 4096 px a side. Returns its size.
 */
export function acceptedImageSize(bytes: Uint8Array): { width: number; height: number } {
  const size = readPngSize(bytes);
  if (!size) throw new Error('Image type is unsupported');
  if (size.width > MAX_IMAGE_SIDE || size.height > MAX_IMAGE_SIDE) {
    throw new Error(`Image is too large: ${size.width}×${size.height} exceeds 4096×4096`);
  }
  if (!chunksAreWhole(bytes)) throw new Error('Image is corrupt or truncated');
  return size;
}
