import { describe, expect, it } from 'vitest';
import { generationMark, MAX_RECORD_BYTES, parseGenerationRecord, utf8Length } from '../../plugin/generation-record';
import { launchFor, sizeSuggestions } from '../../plugin/launch';
import { fillsWithImageOnTop } from '../../plugin/replace-fill';
import { DEFAULT_SETTINGS } from '../../plugin/settings';

const record = { prompt: 'Make it neon', size: '2048x1152' as const, sourceNodeIds: ['1:2'], createdAt: '2026-11-25T10:00:00.000Z' };

describe('launch commands', () => {
  it('opens "Edit again" with the prompt and size the node was made with', () => {
    expect(launchFor('edit-again', undefined, record, DEFAULT_SETTINGS)).toEqual({ command: 'edit-again', prompt: 'Make it neon', size: '2048x1152' });
  });

  it('opens "More variants" with the same prompt and size, and 4 variants', () => {
    expect(launchFor('more-variants', undefined, record, DEFAULT_SETTINGS)).toEqual({ command: 'more-variants', prompt: 'Make it neon', size: '2048x1152', variants: 4 });
    expect(launchFor('more-variants', undefined, record, { ...DEFAULT_SETTINGS, variants: 1, batchVariants: 6 })).toMatchObject({ variants: 4 });
  });

  it('opens "Generate variants" with 4 variants, or the last count above 1 the designer picked', () => {
    expect(launchFor('generate-variants', undefined, undefined, DEFAULT_SETTINGS)).toEqual({ command: 'generate-variants', variants: 4 });
    expect(launchFor('generate-variants', undefined, undefined, { ...DEFAULT_SETTINGS, variants: 1, batchVariants: 6 })).toEqual({
      command: 'generate-variants', variants: 6,
    });
  });

  it('falls back to the plain panel when a relaunch node has no record', () => {
    expect(launchFor('edit-again', undefined, undefined, DEFAULT_SETTINGS)).toEqual({ command: 'open' });
  });

  it('runs Quick Actions with its prompt and size, or the size the designer picked', () => {
    expect(launchFor('quick-edit', { prompt: ' Add snow ', size: '1536x1024' }, undefined, DEFAULT_SETTINGS)).toEqual({
      command: 'quick-edit', prompt: 'Add snow', size: '1536x1024',
    });
    const picked = { ...DEFAULT_SETTINGS, size: '2048x2048', sizeChosen: true } as const;
    expect(launchFor('quick-edit', { prompt: 'Add snow' }, undefined, picked, [{ width: 1200, height: 400 }])).toMatchObject({ size: '2048x2048' });
  });

  it('runs Quick Actions without a size, before the designer picked one, at the size closest to the selection’s ratio', () => {
    expect(launchFor('quick-edit', { prompt: 'Add snow' }, undefined, DEFAULT_SETTINGS, [{ width: 1920, height: 1080 }])).toMatchObject({ size: '2048x1152' });
    expect(launchFor('quick-edit', { prompt: 'Add snow' }, undefined, DEFAULT_SETTINGS, [])).toMatchObject({ size: '1024x1024' });
  });

  it('opens menu commands as themselves', () => {
    expect(launchFor('settings', undefined, undefined, DEFAULT_SETTINGS)).toEqual({ command: 'settings' });
    expect(launchFor('edit-selection', undefined, undefined, DEFAULT_SETTINGS)).toEqual({ command: 'open' });
  });

  it('suggests sizes matching what was typed in Quick Actions', () => {
    expect(sizeSuggestions('4k').map((s) => s.data)).toEqual(['3840x2160', '2160x3840']);
    expect(sizeSuggestions('')).toHaveLength(10);
    expect(sizeSuggestions('1536x').map((s) => s.data)).toEqual(['1536x1024', '1536x1152']);
    expect(sizeSuggestions('landscape')[0]).toEqual({ name: '1536×1024 · 3:2 — Landscape: posters, banners, scenes', data: '1536x1024' });
  });
});

describe('generation records', () => {
  it('reads back what a generated node stored', () => {
    expect(parseGenerationRecord(JSON.stringify(record))).toEqual(record);
  });

  it('ignores plugin data that is not a record', () => {
    expect(parseGenerationRecord('')).toBeUndefined();
    expect(parseGenerationRecord('{"prompt":1}')).toBeUndefined();
  });

  it('counts UTF-8 bytes as Figma measures plugin data, without TextEncoder', () => {
    for (const text of ['plain', 'café', '猫', '🎨 emoji', '\ud800 lone', 'mixed 猫🎨é']) expect(utf8Length(text)).toBe(Buffer.byteLength(text, 'utf8'));
  });

  it('stores a record whole when it fits, and the longest start of a longer prompt, cut at a character', () => {
    expect(parseGenerationRecord(generationMark(record).data)).toEqual(record);
    const long = { ...record, prompt: `${'"'.repeat(30_000)}🎨🎨🎨${'x'.repeat(40_000)}` };
    const kept = parseGenerationRecord(generationMark(long).data)!;
    expect(utf8Length(generationMark(long).data)).toBeLessThanOrEqual(MAX_RECORD_BYTES);
    expect(utf8Length(JSON.stringify({ ...long, prompt: `${kept.prompt.slice(0, -1)}x…` }))).toBeGreaterThan(MAX_RECORD_BYTES);
    expect(kept.prompt.endsWith('x…')).toBe(true);
    expect({ ...kept, prompt: '' }).toEqual({ ...record, prompt: '' });
  });

  it('gives "Edit again" the prompt’s first 80 characters, never half an emoji', () => {
    const { relaunch } = generationMark({ ...record, prompt: `${'a'.repeat(79)}🎨 more` });
    expect(relaunch).toEqual({ 'edit-again': `${'a'.repeat(79)}🎨…`, 'more-variants': '' });
  });
});

describe('replacing a layer’s fills', () => {
  it('puts the image on top, fitted, and keeps the old fills hidden underneath', () => {
    const solid: Paint = { type: 'SOLID', color: { r: 1, g: 0, b: 0 } };
    expect(fillsWithImageOnTop([solid], 'abc')).toEqual([
      { ...solid, visible: false },
      { type: 'IMAGE', imageHash: 'abc', scaleMode: 'FIT' },
    ]);
  });

  it('swaps only the image of a top image fill, so its scale mode, crop and filters stay', () => {
    const solid: Paint = { type: 'SOLID', color: { r: 1, g: 0, b: 0 } };
    const image: ImagePaint = { type: 'IMAGE', imageHash: 'old', scaleMode: 'CROP', imageTransform: [[0.5, 0, 0], [0, 0.5, 0]], filters: { exposure: 0.4 } };
    const hiddenOnTop: Paint = { ...solid, visible: false };
    expect(fillsWithImageOnTop([solid, image], 'new')).toEqual([solid, { ...image, imageHash: 'new' }]);
    expect(fillsWithImageOnTop([solid, image, hiddenOnTop], 'new')).toEqual([solid, { ...image, imageHash: 'new' }, hiddenOnTop]);
    expect(fillsWithImageOnTop([image, solid], 'new')).toHaveLength(3);
  });
});
