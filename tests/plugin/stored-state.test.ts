import { beforeEach, describe, expect, it } from 'vitest';
import { startPlugin } from '../../plugin/controller';
import type { GenerationRecord, HistoryEntry, SavedPrompt, Settings } from '../../shared/protocol';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { solidPng } from '../fakes/png';

const generation = (prompt: string): GenerationRecord => ({ prompt, size: '1024x1024', sourceNodeIds: [], createdAt: '2026-11-25T10:00:00.000Z' });

/**
 * clientStorage is slow (a few to tens of milliseconds a call, as in Figma) and the panel sends
 * messages without waiting for the sandbox: every update of a stored value must survive the others.
 */
describe('stored state with Figma’s clientStorage latency', () => {
  let figma: FakeFigma;

  beforeEach(() => {
    figma = new FakeFigma();
    startPlugin(figma);
  });

  it('keeps both prompts saved at the same moment, the later one on top', async () => {
    await Promise.all([figma.sendFromUi({ type: 'save-prompt', prompt: 'Make it clay' }), figma.sendFromUi({ type: 'save-prompt', prompt: 'Pixel art' })]);
    expect((figma.storage.get('saved-prompts') as SavedPrompt[]).map((p) => p.prompt)).toEqual(['Pixel art', 'Make it clay']);
  });

  it('deletes one saved prompt while saving another, losing neither change', async () => {
    await figma.sendFromUi({ type: 'save-prompt', prompt: 'Make it clay' });
    const [clay] = figma.storage.get('saved-prompts') as SavedPrompt[];
    await Promise.all([figma.sendFromUi({ type: 'delete-prompt', id: clay.id }), figma.sendFromUi({ type: 'save-prompt', prompt: 'Pixel art' })]);
    expect((figma.storage.get('saved-prompts') as SavedPrompt[]).map((p) => p.prompt)).toEqual(['Pixel art']);
  });

  it('records every result placed together in history', async () => {
    await Promise.all(
      ['First', 'Second', 'Third'].map((prompt) =>
        figma.sendFromUi({
          type: 'place-result', requestId: prompt, bytes: solidPng(64, 64), generation: generation(prompt), placement: { kind: 'beside' },
          history: { prompt, size: '1024x1024', referenceNames: [], durationMs: 60_000, jobId: `job-${prompt}` },
        }),
      ),
    );
    expect((figma.storage.get('history') as HistoryEntry[]).map((entry) => entry.prompt).sort()).toEqual(['First', 'Second', 'Third']);
  });

  it('keeps each variant’s batch with its history entry, so History lists a batch as one generation', async () => {
    await Promise.all(
      [0, 1].map((index) =>
        figma.sendFromUi({
          type: 'place-result', requestId: `v${index}`, bytes: solidPng(64, 64), generation: generation('Neon'), placement: { kind: 'beside' },
          batch: { id: 'batch-1', index },
          history: { prompt: 'Neon', size: '1024x1024', referenceNames: [], durationMs: 60_000, jobId: `job-${index}` },
        }),
      ),
    );
    expect((figma.storage.get('history') as HistoryEntry[]).map((entry) => entry.batch).sort((a, b) => a!.index - b!.index)).toEqual([
      { id: 'batch-1', index: 0 },
      { id: 'batch-1', index: 1 },
    ]);
  });

  it('keeps the settings saved last, even when the first write is the slower one', async () => {
    const base: Settings = { relayUrl: 'http://localhost:8787', accessToken: '', size: '1024x1024', sizeChosen: true, variants: 1, batchVariants: 4, featherPx: 4 };
    await Promise.all([
      figma.sendFromUi({ type: 'save-settings', settings: { ...base, size: '1536x1024' } }),
      figma.sendFromUi({ type: 'save-settings', settings: { ...base, size: '2048x2048' } }),
    ]);
    expect((figma.storage.get('settings') as Settings).size).toBe('2048x2048');
  });
});
