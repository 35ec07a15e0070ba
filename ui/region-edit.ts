import { readPngSize } from '../shared/png-size';
import type { GenerationRecord, RegionRecord } from '../shared/protocol';
import { cropBox, type PixelPoint } from '../shared/region-geometry';
import { closestSize } from '../shared/sizes';
import { type JobRequest, jobRequestFor } from './job-client';
import { cropPng, finishComposite, maskOfCrop, type PreparedComposite, prepareComposite } from './region-canvas';
import { marksAnything } from './region-mask';

/**
 * An edit inside a shape, around an ordinary edit: the crop of the layer goes to the relay as the
 * one reference, and the answer is composited back over the layer's full export through the
 * shape's alpha before it is placed. The canvas work is in region-canvas.ts.
 */

/** A region's exported layer and shape, as the sandbox sends them. */
export interface RegionParts {
  layer: { nodeId: string; name: string; bytes: Uint8Array };
  mask: { nodeId: string; name: string; bytes: Uint8Array; offset: PixelPoint };
}

/** What the flow needs of a region's parts: the selection's, or a job's layer and shape exported again. */
export type ExportRegion = (nodeIds?: { layerId: string; shapeId: string }) => Promise<RegionParts>;

function sizeOf(bytes: Uint8Array, what: string): { width: number; height: number } {
  const size = readPngSize(bytes);
  if (!size) throw new Error(`Figma’s export of ${what} is not a PNG. Try again.`);
  return size;
}

function paintsNothing(parts: RegionParts): Error {
  return new Error(`“${parts.mask.name}” paints nothing over “${parts.layer.name}”: give the shape a solid fill and keep it over the layer.`);
}

/** The crop to send and the record the composite needs, or why the shape marks nothing to change. */
async function planRegion(parts: RegionParts, featherPx: number): Promise<{ region: RegionRecord; crop: Uint8Array }> {
  const layerPixels = sizeOf(parts.layer.bytes, `“${parts.layer.name}”`);
  const crop = cropBox(layerPixels, { ...parts.mask.offset, ...sizeOf(parts.mask.bytes, `“${parts.mask.name}”`) });
  if (crop.width === 0 || crop.height === 0 || !marksAnything(await maskOfCrop(parts.mask.bytes, parts.mask.offset, crop))) throw paintsNothing(parts);
  const region: RegionRecord = { layerId: parts.layer.nodeId, shapeId: parts.mask.nodeId, crop, layerPixels, featherPx };
  return { region, crop: await cropPng(parts.layer.bytes, crop) };
}

/**
 * An edit inside a shape as the queue takes it: its record (its sources the layer and the shape),
 * the request of the crop at the size whose ratio is closest to the crop's, and the step that puts
 * each answer back into the layer.
 */
export async function regionEdit(parts: RegionParts, prompt: string, featherPx: number, createdAt: string) {
  const { region, crop } = await planRegion(parts, featherPx);
  const generation: GenerationRecord = { prompt, size: closestSize(region.crop), sourceNodeIds: [region.layerId, region.shapeId], createdAt, region };
  return {
    layerId: region.layerId,
    generation,
    request: jobRequestFor(generation, [{ bytes: crop }]),
    referenceNames: [parts.layer.name],
    compose: composer(parts, region),
  };
}

/** The layer's export the crop was cut from, or an error when the layer changed size since (the answer fits no other). */
function checkedLayer(parts: RegionParts, region: RegionRecord): Uint8Array {
  const { width, height } = sizeOf(parts.layer.bytes, `“${parts.layer.name}”`);
  if (width !== region.layerPixels.width || height !== region.layerPixels.height) {
    throw new Error(`“${parts.layer.name}” has changed size since the edit was sent, so the edited part no longer fits it.`);
  }
  return parts.layer.bytes;
}

/** Does what the composite needs before an answer, from these parts; rejects when they can no longer take it. */
async function prepared(parts: RegionParts, region: RegionRecord): Promise<PreparedComposite> {
  const composite = await prepareComposite({ layer: checkedLayer(parts, region), shape: parts.mask.bytes, shapeOffset: parts.mask.offset, crop: region.crop, featherPx: region.featherPx });
  if (composite.reach.width === 0 || composite.reach.height === 0 || !marksAnything(composite.mask)) throw paintsNothing(parts);
  return composite;
}

/**
 * Puts answers back into the layer, from these parts. The work that needs no answer starts now,
 * while the model works, and is shared by every variant; a failure there is the answer's to report.
 */
function composer(parts: RegionParts, region: RegionRecord): (answer: Uint8Array) => Promise<Uint8Array> {
  const ready = prepared(parts, region);
  ready.catch(() => undefined);
  return async (answer) => finishComposite(await ready, answer);
}

/** Puts an answer back into the layer as it is in the file now: a resumed job's panel has no pixels of its own. */
export function composerFromFile(region: RegionRecord, exportRegion: ExportRegion): (answer: Uint8Array) => Promise<Uint8Array> {
  return async (answer) => composer(await exportRegion({ layerId: region.layerId, shapeId: region.shapeId }), region)(answer);
}

/** A region edit's request made again from the file, with the crop it was first sent with. */
export async function rebuiltRegionRequest(generation: GenerationRecord & { region: RegionRecord }, exportRegion: ExportRegion): Promise<JobRequest> {
  const { region } = generation;
  const parts = await exportRegion({ layerId: region.layerId, shapeId: region.shapeId });
  return jobRequestFor(generation, [{ bytes: await cropPng(checkedLayer(parts, region), region.crop) }]);
}
