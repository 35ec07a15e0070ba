import type { GenerationRecord, HistoryEntry } from '../shared/protocol';
import { composerFromFile, type ExportRegion } from './region-edit';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * What History's "place again" puts on the canvas from the answer the relay still holds. An
 * ordinary result is that answer, placed on its own. An edit inside a shape was only the crop
 * around the shape: it is put back into its layer as the file holds the layer and the shape now,
 * and placed as the first result was (beside the layer, the shape hidden, "Edit again" on it);
 * in another file, or with the layer or the shape gone or resized, it cannot be.
 */
export async function placeAgain(
  entry: HistoryEntry,
  answer: Uint8Array,
  here: { fileId: string; exportRegion: ExportRegion },
  createdAt: string,
): Promise<{ bytes: Uint8Array; generation: GenerationRecord }> {
  const { region } = entry;
  if (!region) return { bytes: answer, generation: { prompt: entry.prompt, size: entry.size, sourceNodeIds: [], createdAt } };
  if (region.fileId !== here.fileId) throw new Error('This edit inside a shape was made in another file: open that file and place it again from History there.');
  const { fileId: _fileId, ...record } = region;
  let bytes: Uint8Array;
  try {
    bytes = await composerFromFile(record, here.exportRegion)(answer);
  } catch (error) {
    throw new Error(`Reimage couldn’t put this edit back into its layer: ${messageOf(error)} Select the layer and a shape over it and generate again.`);
  }
  return { bytes, generation: { prompt: entry.prompt, size: entry.size, sourceNodeIds: [record.layerId, record.shapeId], createdAt, region: record } };
}
