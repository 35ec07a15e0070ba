import { describe, expect, it } from 'vitest';
import { DEFAULT_REQUEST_LIMITS } from '../../shared/request-limits';
import type { RegionSelection } from '../../shared/protocol';
import { quickEditEnding, quickEditProgress, quickEditSelectionProblem, quickEditStart } from '../../ui/quick-edit';
import { maxLayers, requestProblem } from '../../ui/request-check';

describe('what stops a request before anything is sent', () => {
  it('counts layers against the provider’s 16 and a relay that takes fewer', () => {
    expect(maxLayers(undefined)).toBe(16);
    expect(maxLayers({ ...DEFAULT_REQUEST_LIMITS, maxImages: 4 })).toBe(4);
    expect(requestProblem(5, 'Neon', { ...DEFAULT_REQUEST_LIMITS, maxImages: 4 })).toBe('Select at most 4 layers: 5 are selected.');
    expect(requestProblem(16, 'Neon', undefined)).toBeUndefined();
  });

  it('says how long the prompt is against what the relay takes', () => {
    expect(requestProblem(1, 'x'.repeat(32_001), DEFAULT_REQUEST_LIMITS)).toBe('The prompt is 32,001 characters; the relay takes at most 32,000. Shorten it.');
    expect(requestProblem(1, 'x'.repeat(32_000), DEFAULT_REQUEST_LIMITS)).toBeUndefined();
  });
});

describe('how a Quick edit run ends', () => {
  it('refuses no layers and too many, saying what to do', () => {
    expect(quickEditSelectionProblem(0, 16)).toBe('Select 1 to 16 layers to edit, then run Quick edit again.');
    expect(quickEditSelectionProblem(17, 16)).toBe('Select at most 16 layers (17 are selected), then run Quick edit again.');
    expect(quickEditSelectionProblem(3, 16)).toBeUndefined();
  });

  it('edits inside the shape when the selection is a layer and a shape over it, as the panel would, and the layers otherwise', () => {
    const region: RegionSelection = { layerId: '1:2', shapeId: '1:3', layerName: 'Photo', shapeName: 'Oval', layerFillable: true, crop: { width: 164, height: 144 } };
    expect(quickEditStart(2, region, 'A moon', DEFAULT_REQUEST_LIMITS)).toEqual({ inShape: true });
    expect(quickEditStart(2, { problem: 'Select one shape, not two.' }, 'A moon', DEFAULT_REQUEST_LIMITS)).toEqual({ inShape: false });
    expect(quickEditStart(0, { problem: 'Select a layer and a shape.' }, 'A moon', DEFAULT_REQUEST_LIMITS)).toEqual({ problem: 'Select 1 to 16 layers to edit, then run Quick edit again.' });
    // The edit inside the shape sends one image, so a relay that takes one still takes it.
    expect(quickEditStart(2, region, 'A moon', { ...DEFAULT_REQUEST_LIMITS, maxImages: 1 })).toEqual({ inShape: true });
    expect(quickEditStart(2, region, 'x'.repeat(32_001), DEFAULT_REQUEST_LIMITS)).toEqual({ problem: 'The prompt is 32,001 characters; the relay takes at most 32,000. Shorten it.' });
  });

  it('says the image is on the canvas, or what went wrong as an error', () => {
    expect(quickEditEnding({ phase: 'placed', nodeId: '1:2', width: 1024, height: 1024 })).toEqual({ message: 'Reimage: the image is on the canvas.' });
    expect(quickEditEnding({ phase: 'failed', message: 'This generation was cancelled.' })).toEqual({ message: 'Reimage: This generation was cancelled.', error: true });
  });

  it('says an image Figma could not place waits for the next open of Reimage', () => {
    const ending = quickEditEnding({ phase: 'failed', message: 'Figma couldn’t place the image', unplaced: { bytes: new Uint8Array(8), jobId: 'job-1' } });
    expect(ending).toEqual({ message: "Reimage: Figma couldn't place the image. Open Reimage to place it again or download it.", error: true });
  });

  it('shows progress with Cancel at once, then with the time so far', () => {
    expect(quickEditProgress(0)).toEqual({ type: 'notify', message: 'Reimage: generating…', button: { text: 'Cancel', action: 'cancel' } });
    expect(quickEditProgress(15.2)).toMatchObject({ message: 'Reimage: generating… 15 s', button: { text: 'Cancel' } });
    expect(quickEditProgress(135)).toMatchObject({ message: 'Reimage: generating… 2 min 15 s' });
  });

  it('ends a cancelled run with a short notification', () => {
    expect(quickEditEnding({ phase: 'cancelled' })).toEqual({ message: 'Reimage: cancelled. Nothing was placed.' });
  });
});
