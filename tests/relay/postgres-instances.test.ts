import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INTERRUPTED_MESSAGE, RelayHttpError } from '../../relay/errors';
import { LOCK } from '../../relay/store/postgres/advisory-locks';
import { CHUNK_BYTES } from '../../relay/store/postgres/postgres-images';
import { openPostgresStore } from '../../relay/store/postgres/open-postgres';
import type { EventSubject, NewJob, Place, RelayStore } from '../../relay/store/store';
import { freshDatabase } from '../helpers/postgres-database';

const TTL_MS = 3_600_000;

/** Two store handles on one database: two relay instances, sharing one movable clock. */
describe('the PostgreSQL store, as two instances on one database', () => {
  let url: string;
  let time: number;
  let a: RelayStore;
  let b: RelayStore;
  const open = (renewEveryMs?: number) => openPostgresStore({ dataDir: '/nonexistent', databaseUrl: url, ttlMs: TTL_MS, now: () => time }, renewEveryMs);

  beforeEach(async () => {
    url = await freshDatabase();
    time = Date.parse('2026-12-01T10:00:00.000Z');
    [a, b] = await Promise.all([open(), open()]);
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  const job = (overrides: Partial<NewJob> = {}): NewJob => ({
    id: `job_${randomBytes(6).toString('hex')}`,
    client: 'alice',
    kind: 'edit',
    createdAt: new Date(time).toISOString(),
    ...overrides,
  });

  /** Resolves when `subject` changes through any handle, as seen by `store`. */
  const nextEvent = (store: RelayStore, subject: EventSubject) =>
    new Promise<void>((resolve) => {
      const stop = store.events.subscribe(subject, () => {
        stop();
        resolve();
      });
    });

  async function query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  it('a job made on A is read, started and finished through B, and only one of two finishes lands', async () => {
    const { created, job: made } = await a.jobs.create(job());
    expect(created).toBe(true);
    expect(await b.jobs.get('alice', made.id)).toEqual(made);
    expect(await b.jobs.get('bob', made.id)).toBeUndefined();
    expect(await b.jobs.start(made.id)).toBe(true);
    expect(await a.jobs.start(made.id)).toBe(false);
    const [cancel, success] = await Promise.all([
      b.jobs.finish(made.id, { status: 'cancelled', finishedAt: new Date(time).toISOString() }),
      a.jobs.finish(made.id, { status: 'succeeded', image: { width: 1, height: 1, bytes: 1 }, finishedAt: new Date(time).toISOString() }),
    ]);
    expect([cancel, success].filter(Boolean)).toHaveLength(1);
    const stored = await a.jobs.get('alice', made.id);
    expect(stored?.status).toBe((cancel ?? success)!.status);
    expect(stored?.finishedAt).toBe(new Date(time).toISOString());
  });

  it("B hears at once of a change A makes (NOTIFY), for a job and for a key", async () => {
    const { job: made } = await a.jobs.create(job());
    const heard = nextEvent(b, { job: made.id });
    const started = Date.now();
    await a.jobs.finish(made.id, { status: 'cancelled', finishedAt: new Date(time).toISOString() });
    await heard;
    expect(Date.now() - started).toBeLessThan(1_000);
    const keyHeard = nextEvent(b, { client: 'alice', idempotencyKey: 'k1' });
    await a.jobs.create(job({ idempotencyKey: 'k1' }));
    await keyHeard;
  });

  it('one Idempotency-Key sent to A and B at once makes one job', async () => {
    const results = await Promise.all([a, b, a, b].map((store) => store.jobs.create(job({ idempotencyKey: 'same' }))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
    expect((await b.jobs.byKey('alice', 'same'))?.id).toBe(results[0].job.id);
  });

  it('an expired job is gone for every handle, and a new job may take its key', async () => {
    const { job: made } = await a.jobs.create(job({ idempotencyKey: 'old' }));
    await a.jobs.finish(made.id, { status: 'cancelled', finishedAt: new Date(time).toISOString() });
    time += TTL_MS;
    expect(await b.jobs.get('alice', made.id)).toBeUndefined();
    expect(await b.jobs.byKey('alice', 'old')).toBeUndefined();
    const again = await b.jobs.create(job({ idempotencyKey: 'old' }));
    expect(again.created).toBe(true);
  });

  it('an image saved on A is streamed from B in pieces of 1 MiB, stored as raw bytes, and read whole though deleted meanwhile', async () => {
    const { job: made } = await a.jobs.create(job());
    const png = randomBytes(2 * CHUNK_BYTES + 12_345);
    await a.images.save(made.id, png);
    const [stored] = await query<{ pieces: number; bytes: number }>(
      'SELECT count(*)::int AS pieces, sum(octet_length(data))::int AS bytes FROM image_chunks JOIN images ON images.id = image_id WHERE job_id = $1',
      [made.id],
    );
    expect(stored).toEqual({ pieces: 3, bytes: png.length });
    await a.jobs.finish(made.id, { status: 'succeeded', image: { width: 1, height: 1, bytes: png.length }, finishedAt: new Date(time).toISOString() });

    const opened = await b.images.open(made.id);
    expect(opened?.bytes).toBe(png.length);
    time += TTL_MS;
    expect(await a.jobs.deleteExpired()).toBe(1);
    expect(await b.images.open(made.id)).toBeUndefined();
    const pieces: Uint8Array[] = [];
    for await (const piece of opened!.body) pieces.push(piece);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(CHUNK_BYTES);
    expect(Buffer.concat(pieces).equals(png)).toBe(true);
  });

  it("a dead instance's unfinished jobs fail once its lease runs out, with a message to generate again, and a live one's never do", async () => {
    const live = await open(50);
    try {
      const { job: lost } = await a.jobs.create(job());
      const { job: kept } = await live.jobs.create(job());
      await a.close();
      const heard = nextEvent(b, { job: lost.id });
      time += 20_000;
      expect(await b.jobs.failAbandoned()).toBe(0);
      // The live instance renews every 50 ms here; the dead one renews no more.
      await new Promise((resolve) => setTimeout(resolve, 200));
      time += 20_000;
      expect(await b.jobs.failAbandoned()).toBe(1);
      await heard;
      const failed = await b.jobs.get('alice', lost.id);
      expect(failed?.status).toBe('failed');
      expect(failed?.error?.message).toBe(INTERRUPTED_MESSAGE);
      expect((await b.jobs.get('alice', kept.id))?.status).toBe('queued');
    } finally {
      await live.close();
      a = await open();
    }
  });

  it('deletes expired jobs one instance at a time: while another holds the cleanup lock, nothing is deleted', async () => {
    const { job: made } = await a.jobs.create(job());
    await a.jobs.finish(made.id, { status: 'cancelled', finishedAt: new Date(time).toISOString() });
    time += TTL_MS;
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1, 0)', [LOCK.cleanup]);
    expect(await b.jobs.deleteExpired()).toBe(0);
    await holder.end();
    expect(await b.jobs.deleteExpired()).toBe(1);
    expect(await query('SELECT id FROM jobs')).toEqual([]);
  });

  describe('places', () => {
    const limits = { maxConcurrent: 4, maxPerMinute: 30 };
    const take = async (store: RelayStore, idempotencyKey?: string): Promise<Place> => {
      const taken = await store.places.take({ client: 'alice', limits, idempotencyKey });
      if (!('place' in taken)) throw new Error('key held');
      return taken.place;
    };

    it('hold the in-flight limit over both instances, even when asked for at once', async () => {
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => take(i % 2 ? a : b)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
      const refusal = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refusal.reason).toBeInstanceOf(RelayHttpError);
      expect((refusal.reason as RelayHttpError).code).toBe('too_many_jobs');
      await (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<Place>).value.release();
      await take(b);
    });

    it('hold the per-minute limit over both instances, counting only the calls that started', async () => {
      const minute = { maxConcurrent: 10, maxPerMinute: 2 };
      for (const store of [a, b]) {
        const taken = await store.places.take({ client: 'alice', limits: minute });
        if ('place' in taken) {
          await taken.place.start();
          await taken.place.release();
        }
      }
      await expect(b.places.take({ client: 'alice', limits: minute })).rejects.toMatchObject({ code: 'rate_limited' });
      time += 61_000;
      expect('place' in (await a.places.take({ client: 'alice', limits: minute }))).toBe(true);
    });

    it('reserve a key over both instances; its release wakes the waiter on the other', async () => {
      const first = await take(a, 'k');
      expect(await b.places.take({ client: 'alice', limits, idempotencyKey: 'k' })).toEqual({ keyHeld: true });
      const woken = nextEvent(b, { client: 'alice', idempotencyKey: 'k' });
      await first.release();
      await woken;
      await take(b, 'k');
    });

    it("of a dead instance free themselves once its lease runs out", async () => {
      for (let i = 0; i < 4; i++) await take(a, `k${i}`);
      await expect(take(b)).rejects.toMatchObject({ code: 'too_many_jobs' });
      await a.close();
      time += 31_000;
      const woken = nextEvent(b, { client: 'alice', idempotencyKey: 'k0' });
      await take(b);
      await woken;
      a = await open();
    });
  });

  it('tokens made or revoked through one instance count on the other at once, and uses are counted', async () => {
    await a.tokens.add({ name: 'carol', sha256: 'ab'.repeat(32), createdAt: new Date(time).toISOString() });
    await expect(b.tokens.add({ name: 'carol', sha256: 'cd'.repeat(32), createdAt: new Date(time).toISOString() })).rejects.toThrow(/already exists/);
    expect(await b.tokens.hasAny()).toBe(true);
    expect(await b.tokens.use('ab'.repeat(32))).toBe('carol');
    expect(await b.tokens.use('ab'.repeat(32))).toBe('carol');
    await b.tokens.list();
    expect(await a.tokens.list()).toEqual([{ name: 'carol', createdAt: new Date(time).toISOString(), requests: 2, lastUsedAt: new Date(time).toISOString() }]);
    expect(await a.tokens.remove('carol')).toBe(true);
    expect(await b.tokens.use('ab'.repeat(32))).toBeUndefined();
    expect(await b.tokens.nameOf('ab'.repeat(32))).toBeUndefined();
  });
});
