import type { HistoryEntry } from './protocol';
import type { ImageSize } from './sizes';

/** One generation as History lists it: a prompt run once, with each of its variants. */
export interface Generation {
  id: string;
  prompt: string;
  size: ImageSize;
  referenceNames: string[];
  /** From the first variant's start to the last one's landing. */
  tookMs: number;
  /** In the order they were asked for (variant 1 first). */
  variants: HistoryEntry[];
}

/** The generation an entry belongs to: its batch, or itself for an entry stored before batches were kept. */
export function generationId(entry: HistoryEntry): string {
  return entry.batch?.id ?? entry.id;
}

function tookMs(variants: readonly HistoryEntry[]): number {
  const landed = variants.map((entry) => Date.parse(entry.createdAt));
  if (landed.some(Number.isNaN)) return Math.max(...variants.map((entry) => entry.durationMs));
  const started = variants.map((entry, i) => landed[i] - entry.durationMs);
  return Math.max(...landed) - Math.min(...started);
}

/** History's entries (newest first) as generations, newest first. */
export function groupHistory(entries: readonly HistoryEntry[]): Generation[] {
  const groups = new Map<string, HistoryEntry[]>();
  for (const entry of entries) {
    const id = generationId(entry);
    groups.set(id, [...(groups.get(id) ?? []), entry]);
  }
  return [...groups].map(([id, members]) => {
    const variants = [...members].sort((a, b) => (a.batch?.index ?? 0) - (b.batch?.index ?? 0));
    const { prompt, size, referenceNames } = variants[0];
    return { id, prompt, size, referenceNames, tookMs: tookMs(variants), variants };
  });
}
