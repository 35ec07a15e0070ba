import type { GenerationRecord, RegionRecord } from '../shared/protocol';
import { isImageSize } from '../shared/sizes';

export const GENERATION_DATA_KEY = 'reimage';

/**
 * Figma refuses a plugin data entry over 100 kB (102,400 bytes of UTF-8 for the plugin id, the key
 * and the value together); the record stays well under that, leaving room for the id and key.
 */
export const MAX_RECORD_BYTES = 90_000;
const RELAUNCH_DESCRIPTION_CHARS = 80;
const CUT_MARK = '…';

function isWhole(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** A region edit's record as stored, or undefined when it is not one (the result is then an ordinary edit's). */
function parseRegion(value: unknown): RegionRecord | undefined {
  const region = (typeof value === 'object' && value !== null ? value : {}) as Partial<RegionRecord>;
  const { crop, layerPixels } = region;
  if (typeof region.layerId !== 'string' || typeof region.shapeId !== 'string' || !isWhole(region.featherPx)) return undefined;
  if (!crop || ![crop.x, crop.y, crop.width, crop.height].every(isWhole) || !layerPixels || ![layerPixels.width, layerPixels.height].every(isWhole)) return undefined;
  return {
    layerId: region.layerId,
    shapeId: region.shapeId,
    crop: { x: crop.x, y: crop.y, width: crop.width, height: crop.height },
    layerPixels: { width: layerPixels.width, height: layerPixels.height },
    featherPx: region.featherPx,
  };
}

/** Reads the record a generated node keeps in its plugin data; undefined for any other node. */
export function parseGenerationRecord(data: string): GenerationRecord | undefined {
  try {
    const value = JSON.parse(data) as Partial<GenerationRecord>;
    if (typeof value.prompt !== 'string' || !isImageSize(value.size) || !Array.isArray(value.sourceNodeIds)) return undefined;
    const region = parseRegion(value.region);
    return {
      prompt: value.prompt,
      size: value.size,
      sourceNodeIds: value.sourceNodeIds.filter((id): id is string => typeof id === 'string'),
      createdAt: typeof value.createdAt === 'string' ? value.createdAt : '',
      ...(region ? { region } : {}),
    };
  } catch {
    return undefined;
  }
}

/** UTF-8 length of a string, counted by hand: Figma's sandbox has no TextEncoder. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** The first `count` characters (never half an emoji), marked as cut when something was left off. */
function firstChars(chars: readonly string[], count: number): string {
  return count >= chars.length ? chars.join('') : `${chars.slice(0, count).join('')}${CUT_MARK}`;
}

/** What marking a node as generated writes, worked out before anything on the canvas changes. */
export interface GenerationMark {
  data: string;
  relaunch: { [command: string]: string };
}

/**
 * The plugin data and relaunch buttons for a generated node, within Figma's limits whatever the
 * prompt: a prompt too long to store whole is kept as long as fits (cut at a character and
 * marked …), so "Edit again" and "More variants" still open with its start, its size and its
 * source layers.
 */
export function generationMark(generation: GenerationRecord): GenerationMark {
  const chars = Array.from(generation.prompt);
  const serialized = (count: number) => JSON.stringify({ ...generation, prompt: firstChars(chars, count) });
  let data = serialized(chars.length);
  if (utf8Length(data) > MAX_RECORD_BYTES) {
    // The longest start of the prompt that fits: the size only grows with the count.
    let [fits, tooLong] = [0, chars.length];
    while (tooLong - fits > 1) {
      const middle = Math.floor((fits + tooLong) / 2);
      if (utf8Length(serialized(middle)) <= MAX_RECORD_BYTES) fits = middle;
      else tooLong = middle;
    }
    data = serialized(fits);
  }
  return { data, relaunch: { 'edit-again': firstChars(chars, RELAUNCH_DESCRIPTION_CHARS), 'more-variants': '' } };
}

/** Records how a node was made and gives it the "Edit again" and "More variants" relaunch buttons. */
export function markGenerated(node: SceneNode, mark: GenerationMark): void {
  node.setPluginData(GENERATION_DATA_KEY, mark.data);
  node.setRelaunchData(mark.relaunch);
}
