import { monthUnreadable } from './errors';

/** A calendar month in UTC, the period of the usage report and of the monthly budgets. */
export interface UsageMonth {
  /** "2026-12" */
  label: string;
  from: Date;
  /** The first moment of the next month: when a monthly budget starts again. */
  to: Date;
}

function month(year: number, monthIndex: number): UsageMonth {
  const from = new Date(Date.UTC(year, monthIndex, 1));
  return { label: from.toISOString().slice(0, 7), from, to: new Date(Date.UTC(year, monthIndex + 1, 1)) };
}

/** The month `time` falls in. */
export function monthOf(time: number): UsageMonth {
  const date = new Date(time);
  return month(date.getUTCFullYear(), date.getUTCMonth());
}

/** "2026-12" as a month; anything else is refused with what is expected. */
export function parseMonth(text: string): UsageMonth {
  const match = /^(\d{4})-(\d{2})$/.exec(text);
  const monthNumber = match ? Number(match[2]) : 0;
  if (!match || monthNumber < 1 || monthNumber > 12) throw monthUnreadable(text);
  return month(Number(match[1]), monthNumber - 1);
}
