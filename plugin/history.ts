import type { HistoryEntry } from '../shared/protocol';
import type { StoredValues } from './storage-queue';

const HISTORY_KEY = 'history';
export const MAX_HISTORY_ENTRIES = 50;
/** A share of clientStorage's 5 MB per user, leaving room for settings and pending jobs. */
export const HISTORY_BUDGET_BYTES = 1_500_000;

/** Roughly what an entry costs in clientStorage: its text fields plus its thumbnail's bytes. */
export function entryBytes(entry: HistoryEntry): number {
  const { thumbnail, ...text } = entry;
  return JSON.stringify(text).length * 2 + (thumbnail?.byteLength ?? 0);
}

/** The newest entries that fit both the count and the byte budget; the oldest go first. Newest first in, newest first out. */
export function trimHistory(entries: readonly HistoryEntry[], maxEntries = MAX_HISTORY_ENTRIES, budgetBytes = HISTORY_BUDGET_BYTES): HistoryEntry[] {
  const kept: HistoryEntry[] = [];
  let used = 0;
  for (const entry of entries.slice(0, maxEntries)) {
    used += entryBytes(entry);
    if (used > budgetBytes) break;
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
