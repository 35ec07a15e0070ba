import { describe, expect, it } from 'vitest';
import type { ClientLimits } from '../../relay/client-limits';
import { RelayHttpError } from '../../relay/errors';
import type { RelayStore } from '../../relay/store/store';
import type { UsageRecord } from '../../relay/store/usage';

/** Two handles on one store's data (two instances on PostgreSQL; the same handle twice on disk, which one process owns), on a clock at `now`. */
export interface BudgetFixture {
  a: RelayStore;
  b: RelayStore;
  now: number;
}

const LIMITS: ClientLimits = { maxConcurrent: 10, maxPerMinute: 100 };

function made(at: number, client = 'alice', outcome: UsageRecord['outcome'] = 'succeeded'): UsageRecord {
  return { at: new Date(at).toISOString(), client, kind: 'generate', size: '1024x1024', references: 0, outcome, providerMs: 60_000, bytesIn: 0, bytesOut: outcome === 'succeeded' ? 1000 : 0 };
}

async function refusal(taking: Promise<unknown>): Promise<RelayHttpError> {
  const error = await taking.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof RelayHttpError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

/** The monthly budget as every store holds it when it takes a place: counted with the places, before any body is read. */
export function budgetPlacesContract(name: string, open: () => Promise<BudgetFixture>): void {
  describe(`${name}: the monthly budget when a place is taken`, () => {
    it('refuses the image past the cap with 429 budget_exhausted, the cap and the reset date; last month and failed calls do not count', async () => {
      const { a, now } = await open();
      await a.usage.record(made(Date.parse('2026-11-30T23:00:00Z')));
      await a.usage.record(made(now - 3_600_000));
      await a.usage.record(made(now - 1_800_000, 'alice', 'failed'));
      await a.usage.record(made(now - 1_000, 'bob'));
      const limits = { ...LIMITS, monthlyImages: 2 };
      const first = await a.places.take({ client: 'alice', limits });
      if (!('place' in first)) throw new Error('expected a place');
      await first.place.start();
      // The one in flight may use the last image: refused too, but told it may pass soon.
      const busy = await refusal(a.places.take({ client: 'alice', limits }));
      expect(busy.status).toBe(429);
      expect(busy.code).toBe('budget_exhausted');
      expect(busy.headers['Retry-After']).toBe('15');
      expect(busy.message).toContain('1 more is being made');
      await a.usage.record(made(now));
      await first.place.release();
      const full = await refusal(a.places.take({ client: 'alice', limits }));
      const body = (await full.toResponse().json()) as { error: { code: string; message: string; budget: unknown } };
      expect(body.error.code).toBe('budget_exhausted');
      expect(body.error.budget).toEqual({ monthlyImages: 2, made: 2, resetsAt: '2027-01-01T00:00:00.000Z' });
      expect(body.error.message).toBe(
        'You have made 2 of your 2 images this month, your whole monthly budget. It starts again on 1 January 2027 (UTC); if you need more before then, ask your admin.',
      );
      expect(Number(full.headers['Retry-After'])).toBe((Date.parse('2027-01-01T00:00:00Z') - now) / 1000);
      // Another person, and alice without a cap, are let through.
      expect('place' in (await a.places.take({ client: 'bob', limits }))).toBe(true);
      expect('place' in (await a.places.take({ client: 'alice', limits: LIMITS }))).toBe(true);
    });

    it("a place released with its call's usage record: a take on the same handle right after counts the call, and the ledger holds it", async () => {
      const { a, now } = await open();
      const limits = { ...LIMITS, monthlyImages: 1 };
      const first = await a.places.take({ client: 'alice', limits });
      if (!('place' in first)) throw new Error('expected a place');
      await first.place.start();
      const released = first.place.release(made(now));
      // Not awaited: the take follows the release on this handle, and sees the call as made.
      const full = await refusal(a.places.take({ client: 'alice', limits }));
      expect(full.code).toBe('budget_exhausted');
      expect(full.message).toContain('made 1 of your 1 images');
      await released;
      expect(await a.usage.madeSince('alice', new Date(now - 60_000))).toBe(1);
      // Released once: a second release writes nothing more.
      await first.place.release(made(now));
      expect(await a.usage.madeSince('alice', new Date(now - 60_000))).toBe(1);
    });

    it('two handles taking the last image of a budget at once: exactly one gets it', async () => {
      const { a, b, now } = await open();
      await a.usage.record(made(now - 60_000));
      const limits = { ...LIMITS, monthlyImages: 2 };
      const results = await Promise.allSettled([a.places.take({ client: 'alice', limits }), b.places.take({ client: 'alice', limits })]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected');
      expect((refused as PromiseRejectedResult).reason).toMatchObject({ status: 429, code: 'budget_exhausted' });
    });
  });
}
