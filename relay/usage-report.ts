import { isImageSize, sizeTier } from '../shared/sizes';
import type { ImagePrices } from './image-prices';
import type { UsageRecord } from './store/usage';

/** One person's line in the usage report. */
export interface PersonUsage {
  name: string;
  made: number;
  failed: number;
  cancelled: number;
  providerMs: number;
  /** Made images times their tier's price; only when prices are set. Failed and cancelled calls are not counted: they made no image. */
  cost?: number;
}

/** Per person, by name: everyone in `names` (those with tokens), and anyone else who made calls in `records` (a token since revoked). */
export function summarizeUsage(records: readonly UsageRecord[], names: readonly string[], prices?: ImagePrices): PersonUsage[] {
  const people = new Map<string, PersonUsage>();
  const person = (name: string) => {
    let entry = people.get(name);
    if (!entry) people.set(name, (entry = { name, made: 0, failed: 0, cancelled: 0, providerMs: 0, ...(prices ? { cost: 0 } : {}) }));
    return entry;
  };
  for (const name of names) person(name);
  for (const record of records) {
    const entry = person(record.client);
    entry.providerMs += record.providerMs;
    if (record.outcome === 'failed') entry.failed++;
    else if (record.outcome === 'cancelled') entry.cancelled++;
    else {
      entry.made++;
      if (prices && entry.cost !== undefined) entry.cost += prices[isImageSize(record.size) ? sizeTier(record.size) : 'standard'];
    }
  }
  return [...people.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Provider time as a person reads it: "1 h 04 min", "3 min 20 s", "12 s". */
export function durationText(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

function money(cost: number): string {
  return cost.toFixed(2);
}

/** The report as a table for a terminal, with a total line. */
export function usageTable(month: string, people: readonly PersonUsage[]): string {
  if (people.length === 0) return `No tokens and no provider calls in ${month}.`;
  const priced = people.some((p) => p.cost !== undefined);
  const total = people.reduce(
    (sum, p) => ({ ...sum, made: sum.made + p.made, failed: sum.failed + p.failed, cancelled: sum.cancelled + p.cancelled, providerMs: sum.providerMs + p.providerMs, cost: (sum.cost ?? 0) + (p.cost ?? 0) }),
    { name: 'total', made: 0, failed: 0, cancelled: 0, providerMs: 0, cost: 0 } as PersonUsage,
  );
  const row = (p: PersonUsage) => [p.name, String(p.made), String(p.failed), String(p.cancelled), durationText(p.providerMs), ...(priced ? [money(p.cost ?? 0)] : [])];
  const table = [['name', 'made', 'failed', 'cancelled', 'provider time', ...(priced ? ['est. cost'] : [])], ...people.map(row), row(total)];
  const widths = table[0].map((_, column) => Math.max(...table.map((cells) => cells[column].length)));
  const lines = table.map((cells) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  '));
  const note = priced ? 'est. cost: images made times the price of their size (PRICE_PER_IMAGE…); failed and cancelled calls made no image.' : 'Set PRICE_PER_IMAGE (or PRICE_PER_IMAGE_STANDARD, _2K, _4K) for an estimated cost.';
  return [`Usage in ${month} (UTC):`, ...lines, '', note].join('\n');
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The report as CSV for a spreadsheet: plain numbers, provider time in seconds. */
export function usageCsv(month: string, people: readonly PersonUsage[]): string {
  const priced = people.some((p) => p.cost !== undefined);
  const header = ['month', 'name', 'made', 'failed', 'cancelled', 'provider_seconds', ...(priced ? ['estimated_cost'] : [])];
  const rows = people.map((p) => [month, p.name, String(p.made), String(p.failed), String(p.cancelled), String(Math.round(p.providerMs / 1000)), ...(priced ? [money(p.cost ?? 0)] : [])]);
  return [header, ...rows].map((cells) => cells.map(csvCell).join(',')).join('\n');
}
