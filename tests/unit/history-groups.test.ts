import { describe, expect, it } from 'vitest';
import { groupHistory } from '../../shared/history-groups';
import type { HistoryEntry } from '../../shared/protocol';

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 1, 10, 0, seconds)).toISOString();

function placed(id: string, landedAt: number, durationMs: number, batch?: HistoryEntry['batch'], prompt = 'Neon skyline'): HistoryEntry {
  return { id, prompt, size: '1536x1024', referenceNames: ['Hero banner'], durationMs, createdAt: at(landedAt), jobId: `job-${id}`, ...(batch ? { batch } : {}) };
}

describe('history as generations', () => {
  it('lists the variants of one batch as one generation, in the order they were asked for', () => {
    // Newest first, as stored: variant 2 landed before variant 1.
    const entries = [placed('c', 130, 100_000, { id: 'b1', index: 0 }), placed('b', 125, 90_000, { id: 'b1', index: 2 }), placed('a', 120, 110_000, { id: 'b1', index: 1 })];
    const [generation, ...others] = groupHistory(entries);
    expect(others).toEqual([]);
    expect(generation).toMatchObject({ id: 'b1', prompt: 'Neon skyline', size: '1536x1024', referenceNames: ['Hero banner'] });
    expect(generation.variants.map((entry) => entry.id)).toEqual(['c', 'a', 'b']);
  });

  it('takes a generation’s time from its first variant’s start to its last one’s landing', () => {
    // Started at 10 s and 30 s (the second waited for a free slot), landed at 100 s and 140 s: 130 s in all.
    const [generation] = groupHistory([placed('b', 140, 110_000, { id: 'b1', index: 1 }), placed('a', 100, 90_000, { id: 'b1', index: 0 })]);
    expect(generation.tookMs).toBe(130_000);
  });

  it('reads history stored before batches were kept: each entry is a generation of its own', () => {
    const generations = groupHistory([placed('new', 300, 60_000, { id: 'b2', index: 0 }), placed('old2', 200, 70_000), placed('old1', 100, 80_000)]);
    expect(generations.map((generation) => [generation.id, generation.variants.length, generation.tookMs])).toEqual([
      ['b2', 1, 60_000],
      ['old2', 1, 70_000],
      ['old1', 1, 80_000],
    ]);
  });

  it('keeps generations newest first, even when their variants interleave', () => {
    const entries = [placed('x2', 50, 40_000, { id: 'bx', index: 1 }), placed('y1', 45, 40_000, { id: 'by', index: 0 }, 'Other'), placed('x1', 40, 30_000, { id: 'bx', index: 0 })];
    expect(groupHistory(entries).map((generation) => [generation.id, generation.variants.map((entry) => entry.id)])).toEqual([
      ['bx', ['x1', 'x2']],
      ['by', ['y1']],
    ]);
  });
});
