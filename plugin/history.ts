import { generationId } from '../shared/history-groups';
import type { HistoryEntry } from '../shared/protocol';
import type { StoredValues } from './storage-queue';

const HISTORY_KEY = 'history';
/** Generations, not images: a generation's variants are kept together. */
export const MAX_HISTORY_GENERATIONS = 50;
/** A share of clientStorage's 5 MB per user, leaving room for settings and pending jobs. */
export const HISTORY_BUDGET_BYTES = 1_500_000;

/** Roughly what an entry costs in clientStorage: its text fields plus its thumbnail's bytes. */
export function entryBytes(entry: HistoryEntry): number {
  const { thumbnail, ...text } = entry;
  return JSON.stringify(text).length * 2 + (thumbnail?.byteLength ?? 0);
}

/**
 * The newest entries of the newest generations that fit both the count and the byte budget; the
 * oldest go first. Newest first in, newest first out.
 */
export function trimHistory(entries: readonly HistoryEntry[], maxGenerations = MAX_HISTORY_GENERATIONS, budgetBytes = HISTORY_BUDGET_BYTES): HistoryEntry[] {
  const kept: HistoryEntry[] = [];
  const generations = new Set<string>();
  let used = 0;
  for (const entry of entries) {
    const generation = generationId(entry);
    // Variants of generations that ran side by side interleave: a later variant of a kept one stays.
    if (!generations.has(generation) && generations.size === maxGenerations) continue;
    used += entryBytes(entry);
    if (used > budgetBytes) break;
    generations.add(generation);
    kept.push(entry);
  }
  return kept;
}

function entriesOf(stored: unknown): HistoryEntry[] {
  return Array.isArray(stored) ? (stored as HistoryEntry[]) : [];
}

export async function loadHistory(store: StoredValues): Promise<HistoryEntry[]> {
  return entriesOf(await store.read(HISTORY_KEY));
}

export function addHistoryEntry(store: StoredValues, entry: HistoryEntry): Promise<HistoryEntry[]> {
  return store.update(HISTORY_KEY, (stored) => trimHistory([entry, ...entriesOf(stored)]));
}
