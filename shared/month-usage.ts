/** A person's images this month against their cap, as GET /v1/me says it (months are UTC). */
export interface MonthUsage {
  /** "2026-12" */
  month: string;
  /** Images made this month. */
  made: number;
  /** Their monthly cap; absent: none. */
  monthlyImages?: number;
  /** When the count starts again (ISO). */
  resetsAt: string;
}

/** "37 of 200 images this month", or "37 images this month" without a cap. */
export function monthUsageText(usage: MonthUsage): string {
  const images = usage.monthlyImages ?? usage.made;
  const noun = images === 1 ? 'image' : 'images';
  return usage.monthlyImages === undefined ? `${usage.made} ${noun} this month` : `${usage.made} of ${usage.monthlyImages} ${noun} this month`;
}
