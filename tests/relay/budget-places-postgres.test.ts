import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../relay/store/postgres/open-postgres';
import type { RelayStore } from '../../relay/store/store';
import { freshDatabase } from '../helpers/postgres-database';
import { budgetPlacesContract } from './budget-places-contract';

const stores: RelayStore[] = [];
afterAll(() => Promise.all(stores.map((store) => store.close())));

budgetPlacesContract('PostgreSQL', async () => {
  const url = await freshDatabase();
  const now = Date.parse('2026-12-10T12:00:00.000Z');
  const open = () => openPostgresStore({ dataDir: '/nonexistent', databaseUrl: url, ttlMs: 3_600_000, now: () => now });
  const [a, b] = await Promise.all([open(), open()]);
  stores.push(a, b);
  return { a, b, now };
});

describe('PostgreSQL: a call ending on one instance while another takes a place', () => {
  it("is counted by the other instance as in flight or as made, never as neither: the call's record and its place's release are one step", { timeout: 30_000 }, async () => {
    const url = await freshDatabase();
    const now = Date.parse('2026-12-10T12:00:00.000Z');
    const open = () => openPostgresStore({ dataDir: '/nonexistent', databaseUrl: url, ttlMs: 3_600_000, now: () => now });
    const [a, b] = await Promise.all([open(), open()]);
    stores.push(a, b);
    const limits = { maxConcurrent: 10, maxPerMinute: 100, monthlyImages: 1 };
    const first = await a.places.take({ client: 'alice', limits });
    if (!('place' in first)) throw new Error('expected a place');
    await first.place.start();

    // The ledger held by another session: the release's write waits on it, as a slow write would.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE usage_records IN EXCLUSIVE MODE');
      const released = first.place.release({
        at: new Date(now).toISOString(),
        client: 'alice',
        kind: 'generate',
        size: '1024x1024',
        references: 0,
        outcome: 'succeeded',
        providerMs: 60_000,
        bytesIn: 0,
        bytesOut: 1000,
      });
      const waiting = () => holder.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
      await expect.poll(async () => (await waiting()).rows[0].n, { timeout: 10_000, interval: 50 }).toBe(1);

      await expect(b.places.take({ client: 'alice', limits })).rejects.toMatchObject({ status: 429, code: 'budget_exhausted', message: expect.stringContaining('1 more is being made') });
      await holder.query('COMMIT');
      await released;
      await expect(b.places.take({ client: 'alice', limits })).rejects.toMatchObject({ status: 429, code: 'budget_exhausted', message: expect.stringContaining('made 1 of your 1 images') });
    } finally {
      await holder.end();
    }
  });
});
