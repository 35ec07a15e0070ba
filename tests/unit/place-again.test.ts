import { describe, expect, it } from 'vitest';
import type { HistoryEntry, RegionRecord } from '../../shared/protocol';
import { placeAgain } from '../../ui/place-again';
import type { ExportRegion } from '../../ui/region-edit';
import { solidPng } from '../fakes/png';

const region: RegionRecord = { layerId: '1:2', shapeId: '1:3', crop: { x: 18, y: 8, width: 164, height: 144 }, layerPixels: { width: 400, height: 300 }, featherPx: 4 };
const entry: HistoryEntry = { id: 'h1', prompt: 'A moon in the oval', size: '1024x1024', referenceNames: ['Photo'], durationMs: 61_000, createdAt: '2026-12-02T00:00:00.000Z', jobId: 'job-1' };
const answer = solidPng(1024, 1024);
const noExport: ExportRegion = () => Promise.reject(new Error('not asked'));

describe('placing a History entry again', () => {
  it('places an ordinary result’s answer as it is, on its own', async () => {
    const placed = await placeAgain(entry, answer, { fileId: 'file-a', exportRegion: noExport }, '2026-12-03T00:00:00.000Z');
    expect(placed.bytes).toBe(answer);
    expect(placed.generation).toEqual({ prompt: 'A moon in the oval', size: '1024x1024', sourceNodeIds: [], createdAt: '2026-12-03T00:00:00.000Z' });
  });

  it('refuses an edit inside a shape made in another file, whose layer ids mean other layers here, and says where to place it', async () => {
    const asked: unknown[] = [];
    const exportRegion: ExportRegion = (ids) => (asked.push(ids), noExport(ids));
    await expect(placeAgain({ ...entry, region: { ...region, fileId: 'file-b' } }, answer, { fileId: 'file-a', exportRegion }, '')).rejects.toThrow(
      'This edit inside a shape was made in another file: open that file and place it again from History there.',
    );
    expect(asked).toEqual([]);
  });

  it('exports the layer and the shape of an edit inside a shape again, and says what to do when they are gone', async () => {
    const asked: unknown[] = [];
    const exportRegion: ExportRegion = (ids) => {
      asked.push(ids);
      return Promise.reject(new Error('The layer or the shape of this edit is no longer in this file.'));
    };
    await expect(placeAgain({ ...entry, region: { ...region, fileId: 'file-a' } }, answer, { fileId: 'file-a', exportRegion }, '')).rejects.toThrow(
      'Reimage couldn’t put this edit back into its layer: The layer or the shape of this edit is no longer in this file. Select the layer and a shape over it and generate again.',
    );
    expect(asked).toEqual([{ layerId: '1:2', shapeId: '1:3' }]);
  });

  it('says so when the layer has changed size since, so the edited part no longer fits it', async () => {
    const exportRegion: ExportRegion = async () => ({
      layer: { nodeId: '1:2', name: 'Photo', bytes: solidPng(500, 300) },
      mask: { nodeId: '1:3', name: 'Oval', bytes: solidPng(100, 80), offset: { x: 50, y: 40 } },
    });
    await expect(placeAgain({ ...entry, region: { ...region, fileId: 'file-a' } }, answer, { fileId: 'file-a', exportRegion }, '')).rejects.toThrow(
      /“Photo” has changed size since the edit was sent.* Select the layer and a shape over it and generate again\.$/,
    );
  });
});
