import type { MonthUsage } from '../shared/month-usage';
import { budgetExhausted, monthlyImagesUnreadable } from './errors';
import type { RelayHttpError } from './errors';
import type { MonthlyCap } from './store/budgets';
import type { TeamRecords } from './store/team';
import { monthOf } from './usage-month';

export const MAX_MONTHLY_IMAGES = 1_000_000;

/** The cap that holds for a person: their own, else the relay's default (MONTHLY_IMAGES_PER_TOKEN); undefined: no cap. */
export function effectiveCap(own: MonthlyCap | undefined, defaultCap: number | undefined): number | undefined {
  if (own === 'unlimited') return undefined;
  return own ?? defaultCap;
}

/**
 * The budget's part of the one admission decision (relay/client-limits.ts): refuses a client that
 * made `cap` images this month, or whose images in flight would reach it, as every store counts
 * them under its places lock.
 */
export function budgetRefusal(cap: number, made: number, inFlight: number, now: number): RelayHttpError | undefined {
  if (made + inFlight < cap) return undefined;
  return budgetExhausted({ monthlyImages: cap, made, inFlight, resetsAt: monthOf(now).to }, now);
}

/** `--monthly-images` and the admin page's budget field: a whole number, `unlimited`, or `default` (the person's own cap removed). */
export function parseMonthlyImages(text: string): MonthlyCap | 'default' {
  const value = text.trim().toLowerCase();
  if (value === 'unlimited' || value === 'default') return value;
  if (!/^\d+$/.test(value) || Number(value) > MAX_MONTHLY_IMAGES) throw monthlyImagesUnreadable(text);
  return Number(value);
}

/** Where a person stands this month, for GET /v1/me. */
export async function budgetStatus(records: TeamRecords, name: string, defaultCap: number | undefined, now: number): Promise<MonthUsage> {
  const month = monthOf(now);
  const [own, made] = await Promise.all([records.budgets.get(name), records.usage.madeSince(name, month.from)]);
  const cap = effectiveCap(own, defaultCap);
  return { month: month.label, made, ...(cap === undefined ? {} : { monthlyImages: cap }), resetsAt: month.to.toISOString() };
}
