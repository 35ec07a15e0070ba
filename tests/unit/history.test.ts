import { describe, expect, it } from 'vitest';
import { entryBytes, trimHistory } from '../../plugin/history';
import type { HistoryEntry } from '../../shared/protocol';

const entry = (n: number, thumbnailBytes = 0): HistoryEntry => ({
  id: `h${n}`,
  prompt: `Prompt ${n}`,
  size: '1024x1024',
  referenceNames: ['Card'],
  durationMs: 60_000,
  createdAt: '2026-11-25T10:00:00.000Z',
  thumbnail: thumbnailBytes ? new Uint8Array(thumbnailBytes) : undefined,
});

describe('history trimming', () => {
  it('keeps at most the newest 50 generations', () => {
    const entries = Array.from({ length: 60 }, (_, i) => entry(i));
    const kept = trimHistory(entries);
    expect(kept).toHaveLength(50);
    expect(kept[0].id).toBe('h0');
    expect(kept.at(-1)!.id).toBe('h49');
  });

  it('counts a generation’s variants as one of the 50, keeping them together', () => {
    const variants = (n: number) => Array.from({ length: 4 }, (_, index) => ({ ...entry(n * 10 + index), batch: { id: `b${n}`, index } }));
    const entries = Array.from({ length: 55 }, (_, n) => variants(n)).flat();
    const kept = trimHistory(entries);
    expect(kept).toHaveLength(200);
    expect(new Set(kept.map((e) => e.batch!.id)).size).toBe(50);
    expect(kept.at(-1)!.batch).toEqual({ id: 'b49', index: 3 });
  });

  it('drops the oldest entries first when thumbnails would overflow the storage budget', () => {
    const entries = Array.from({ length: 10 }, (_, i) => entry(i, 100_000));
    const kept = trimHistory(entries, 50, 450_000);
    expect(kept.map((e) => e.id)).toEqual(['h0', 'h1', 'h2', 'h3']);
  });

  it('counts thumbnail bytes and text into an entry’s cost', () => {
    expect(entryBytes(entry(1, 5000))).toBeGreaterThan(5000);
    expect(entryBytes(entry(1, 5000)) - entryBytes(entry(1))).toBe(5000);
  });
});
