import { describe, expect, it } from 'vitest';
import { imagePrices } from '../../relay/image-prices';
import type { UsageRecord } from '../../relay/store/usage';
import { monthOf, parseMonth } from '../../relay/usage-month';
import { durationText, summarizeUsage, usageCsv, usageTable } from '../../relay/usage-report';

function call(client: string, outcome: UsageRecord['outcome'], size = '1024x1024', providerMs = 90_000): UsageRecord {
  return { at: '2026-12-03T10:00:00.000Z', client, kind: 'edit', size, references: 1, outcome, providerMs, bytesIn: 10, bytesOut: 20 };
}

describe('months of the usage report', () => {
  it('reads YYYY-MM as a UTC month from its first moment to the next one', () => {
    expect(parseMonth('2026-12')).toEqual({ label: '2026-12', from: new Date('2026-12-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') });
    expect(monthOf(Date.parse('2026-02-28T23:59:59Z')).to).toEqual(new Date('2026-03-01T00:00:00Z'));
  });

  it.each(['2026-13', '2026-00', '26-12', 'december', '2026-1', ''])('refuses "%s" and says what a month looks like', (text) => {
    expect(() => parseMonth(text)).toThrow(`"${text}" is not a month: give it as YYYY-MM, such as 2026-12 (months are UTC).`);
  });
});

describe('prices for the estimate', () => {
  it('takes PRICE_PER_IMAGE for every tier, a tier price over it, and none at all when nothing is set', () => {
    expect(imagePrices({})).toBeUndefined();
    expect(imagePrices({ PRICE_PER_IMAGE: '0.19' })).toEqual({ standard: 0.19, '2k': 0.19, '4k': 0.19 });
    expect(imagePrices({ PRICE_PER_IMAGE: '0.19', PRICE_PER_IMAGE_4K: '0.5' })).toEqual({ standard: 0.19, '2k': 0.19, '4k': 0.5 });
  });

  it('refuses a price that is not a number, and a tier left without one', () => {
    expect(() => imagePrices({ PRICE_PER_IMAGE: '$0.19' })).toThrow('PRICE_PER_IMAGE must be a price per image such as 0.19 (a number, no currency); it is "$0.19".');
    expect(() => imagePrices({ PRICE_PER_IMAGE_STANDARD: '0.1', PRICE_PER_IMAGE_2K: '0.2' })).toThrow('PRICE_PER_IMAGE_4K is not set, and there is no PRICE_PER_IMAGE');
  });
});

describe('the usage report', () => {
  const records = [call('bob', 'succeeded', '3840x2160', 200_000), call('alice', 'succeeded'), call('alice', 'failed', '1024x1024', 5_000), call('alice', 'cancelled', '1024x1024', 1_000), call('gone', 'succeeded')];

  it('sums per person, with everyone who has a token and anyone who made calls, priced by size tier', () => {
    const people = summarizeUsage(records, ['carol', 'alice', 'bob'], { standard: 0.2, '2k': 0.3, '4k': 0.5 });
    expect(people).toEqual([
      { name: 'alice', made: 1, failed: 1, cancelled: 1, providerMs: 96_000, cost: 0.2 },
      { name: 'bob', made: 1, failed: 0, cancelled: 0, providerMs: 200_000, cost: 0.5 },
      { name: 'carol', made: 0, failed: 0, cancelled: 0, providerMs: 0, cost: 0 },
      { name: 'gone', made: 1, failed: 0, cancelled: 0, providerMs: 90_000, cost: 0.2 },
    ]);
  });

  it('prints a table with a total, and says how to get a cost when no price is set', () => {
    expect(usageTable('2026-12', summarizeUsage(records, ['alice', 'bob']))).toBe(
      [
        'Usage in 2026-12 (UTC):',
        'name   made  failed  cancelled  provider time',
        'alice     1       1          1     1 min 36 s',
        'bob       1       0          0     3 min 20 s',
        'gone      1       0          0     1 min 30 s',
        'total     3       1          1     6 min 26 s',
        '',
        'Set PRICE_PER_IMAGE (or PRICE_PER_IMAGE_STANDARD, _2K, _4K) for an estimated cost.',
      ].join('\n'),
    );
  });

  it('writes CSV with plain numbers and the estimate', () => {
    expect(usageCsv('2026-12', summarizeUsage(records, [], { standard: 0.2, '2k': 0.3, '4k': 0.5 }))).toBe(
      ['month,name,made,failed,cancelled,provider_seconds,estimated_cost', '2026-12,alice,1,1,1,96,0.20', '2026-12,bob,1,0,0,200,0.50', '2026-12,gone,1,0,0,90,0.20'].join('\n'),
    );
  });

  it('says provider time as people read it', () => {
    expect([12_000, 200_000, 3_840_000].map(durationText)).toEqual(['12 s', '3 min 20 s', '1 h 04 min']);
  });
});
