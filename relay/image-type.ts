import { isPng } from '../shared/png-size';

/** The reference formats the provider takes, with the extension the relay names them by. */
export const IMAGE_TYPES = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
} as const;

export type ImageType = keyof typeof IMAGE_TYPES;

/** Bytes enough to tell the three formats apart. */
export const SNIFF_BYTES = 12;

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

/** What an image really is by its first bytes (never by its name or declared type). */
export function sniffImageType(head: Uint8Array): ImageType | undefined {
  if (isPng(head)) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}
