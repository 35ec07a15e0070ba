import { describe, expect, it } from 'vitest';
import { admissionRefusal } from '../../relay/client-limits';
import { effectiveCap, parseMonthlyImages } from '../../relay/monthly-budget';

describe('monthly budgets', () => {
  it("a person's own cap wins over the default; unlimited means none even with a default", () => {
    expect(effectiveCap(undefined, undefined)).toBeUndefined();
    expect(effectiveCap(undefined, 200)).toBe(200);
    expect(effectiveCap(500, 200)).toBe(500);
    expect(effectiveCap('unlimited', 200)).toBeUndefined();
  });

  it('reads a whole number, unlimited or default, and refuses anything else with what is expected', () => {
    expect(parseMonthlyImages('200')).toBe(200);
    expect(parseMonthlyImages('0')).toBe(0);
    expect(parseMonthlyImages(' Unlimited ')).toBe('unlimited');
    expect(parseMonthlyImages('default')).toBe('default');
    for (const text of ['-1', '2.5', 'lots', '', '1000001']) {
      expect(() => parseMonthlyImages(text)).toThrow(`"${text}" is not a monthly budget: give a whole number of images from 0 to 1000000 (such as 200), "unlimited" for no cap, or "default" for MONTHLY_IMAGES_PER_TOKEN.`);
    }
  });

  it('the one admission decision refuses over budget before the per-minute and concurrency limits', () => {
    const now = Date.parse('2026-12-31T23:00:00Z');
    const refusal = admissionRefusal({ maxConcurrent: 1, maxPerMinute: 1, monthlyImages: 5 }, { inFlight: 1, starting: 0, startedAt: [now - 1000], madeThisMonth: 5 }, now);
    expect(refusal).toMatchObject({ status: 429, code: 'budget_exhausted', headers: { 'Retry-After': '3600' } });
    expect(admissionRefusal({ maxConcurrent: 4, maxPerMinute: 30, monthlyImages: 5 }, { inFlight: 0, starting: 0, startedAt: [], madeThisMonth: 4 }, now)).toBeUndefined();
  });
});
