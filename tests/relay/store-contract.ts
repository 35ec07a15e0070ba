import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { interruptedJobError, TokenError } from '../../relay/errors';
import type { JobRecord } from '../../relay/job-record';
import type { EventSubject, JobOutcome, NewJob, RelayStore } from '../../relay/store/store';
import { tokenHash } from '../../relay/tokens';

/** The data behind one test, and the handles on it. */
export interface StoreFixture {
  /** The first handle, as one relay instance has it. */
  store: RelayStore;
  /**
   * Another handle on the same data, as another instance has it: PostgreSQL, a new handle on the
   * same database; disk, the same store (one process owns a data directory).
   */
  second(): Promise<RelayStore>;
  /**
   * `store` dies as with kill -9 (no more lease renewals, nothing more written, nothing closed
   * gracefully) and a new handle opens on the same data, as the instance that is left, or a
   * restarted one: PostgreSQL, a new handle; disk, the directory opened anew.
   */
  restart(): Promise<RelayStore>;
  /** Closes every handle still open and removes the data. */
  close(): Promise<void>;
}

export interface StoreFixtureOptions {
  ttlMs: number;
  /** The store's clock: expiry, leases and the minute of starts; the tests move it. */
  now: () => number;
}

export type StoreFactory = (options: StoreFixtureOptions) => Promise<StoreFixture>;

const HOUR = 3600_000;
const TTL_MS = 24 * HOUR;
/** Longer than any lease: an instance that died this long ago has given up its jobs. */
const LEASE_PASSED_MS = 61_000;
const START = Date.parse('2026-03-01T09:00:00Z');

function newJob(client = 'alice', idempotencyKey?: string): NewJob {
  return { id: `job_${randomBytes(12).toString('base64url')}`, client, kind: 'edit', createdAt: new Date(START).toISOString(), idempotencyKey };
}

function succeeded(finishedAt: string): JobOutcome {
  return { status: 'succeeded', image: { width: 2, height: 3, bytes: 4 }, finishedAt };
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<{ bytes: Buffer; pieces: number }> {
  const pieces: Uint8Array[] = [];
  for await (const piece of body) pieces.push(piece);
  return { bytes: Buffer.concat(pieces), pieces: pieces.length };
}

/** Resolves at the subject's next event on `store`; rejects if none comes within `ms`. */
function nextEvent(store: RelayStore, subject: EventSubject, ms = 2000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no event for ${JSON.stringify(subject)} within ${ms} ms`));
    }, ms);
    const unsubscribe = store.events.subscribe(subject, () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}

/** How many events the subject gets on `store` until `stop` is called. */
function countEvents(store: RelayStore, subject: EventSubject): { count: () => number; stop: () => void } {
  let count = 0;
  const stop = store.events.subscribe(subject, () => count++);
  return { count: () => count, stop };
}

async function refusalOf(taking: Promise<unknown>): Promise<{ status?: number; code?: string } | undefined> {
  try {
    await taking;
    return undefined;
  } catch (error) {
    return error as { status: number; code: string };
  }
}

/**
 * The behaviour every store must have (relay/store/store.ts), registered as Vitest tests for one
 * implementation. Two handles stand in for two relay instances on the same data.
 */
export function storeContract(name: string, factory: StoreFactory): void {
  describe(`${name}: the store contract`, () => {
    let clock: number;
    let fixture: StoreFixture;
    let one: RelayStore;
    let two: RelayStore;

    beforeEach(async () => {
      clock = START;
      fixture = await factory({ ttlMs: TTL_MS, now: () => clock });
      one = fixture.store;
      two = await fixture.second();
    });

    afterEach(async () => {
      await fixture.close();
    });

    describe('jobs', () => {
      it('creates a queued job that only its client sees, on every handle, and finds it by its key', async () => {
        const job = newJob('alice', 'key-1');
        const created = await one.jobs.create(job);

        const expected: JobRecord = { ...job, idempotencyKey: 'key-1', status: 'queued' };
        expect(created).toEqual({ created: true, job: expected });
        expect(await two.jobs.get('alice', job.id)).toEqual(expected);
        expect(await two.jobs.get('bob', job.id)).toBeUndefined();
        expect(await two.jobs.get('alice', 'job_none')).toBeUndefined();
        expect(await two.jobs.byKey('alice', 'key-1')).toEqual(expected);
        expect(await two.jobs.byKey('bob', 'key-1')).toBeUndefined();
        expect(await two.jobs.byKey('alice', 'key-2')).toBeUndefined();
      });

      it('keeps a job without a key out of every key', async () => {
        const job = newJob();
        expect((await one.jobs.create(job)).job).toEqual({ ...job, status: 'queued' });
        expect((await one.jobs.get('alice', job.id))?.idempotencyKey).toBeUndefined();
      });

      it('creates one job for one key however many handles create it at once, and answers the others with it', async () => {
        const attempts = [newJob('alice', 'same'), newJob('alice', 'same'), newJob('alice', 'same'), newJob('alice', 'same')];
        const results = await Promise.all(attempts.map((job, i) => (i % 2 === 0 ? one : two).jobs.create(job)));

        expect(results.filter((result) => result.created)).toHaveLength(1);
        const winner = results.find((result) => result.created)!.job;
        for (const result of results) expect(result.job).toEqual(winner);
        for (const job of attempts.filter((job) => job.id !== winner.id)) expect(await one.jobs.get('alice', job.id)).toBeUndefined();
        // Another client's same key is its own.
        expect((await two.jobs.create(newJob('bob', 'same'))).created).toBe(true);
      });

      it('starts a queued job once, and never a finished one', async () => {
        const job = newJob();
        await one.jobs.create(job);
        expect(await two.jobs.start(job.id)).toBe(true);
        expect((await one.jobs.get('alice', job.id))?.status).toBe('running');
        expect(await one.jobs.start(job.id)).toBe(false);

        const cancelledFirst = newJob();
        await one.jobs.create(cancelledFirst);
        await two.jobs.finish(cancelledFirst.id, { status: 'cancelled', finishedAt: new Date(clock).toISOString() });
        expect(await one.jobs.start(cancelledFirst.id)).toBe(false);
        expect(await one.jobs.start('job_none')).toBe(false);
      });

      it('lets exactly one of a cancel and a success land, whichever handles race', async () => {
        for (let round = 0; round < 10; round++) {
          const job = newJob();
          await one.jobs.create(job);
          await one.jobs.start(job.id);
          const at = new Date(clock + round).toISOString();
          const [success, cancel] = await Promise.all([one.jobs.finish(job.id, succeeded(at)), two.jobs.finish(job.id, { status: 'cancelled', finishedAt: at })]);

          expect([success, cancel].filter((won) => won !== undefined)).toHaveLength(1);
          const landed = (success ?? cancel)!;
          expect(await one.jobs.get('alice', job.id)).toEqual(landed);
          expect(await two.jobs.get('alice', job.id)).toEqual(landed);
          expect(landed.status).toBe(success ? 'succeeded' : 'cancelled');
        }
      });

      it('writes a finish as given, and leaves a finished job as it is', async () => {
        const job = newJob();
        await one.jobs.create(job);
        const error = { message: 'The image provider failed (HTTP 500). Try again in a minute.', type: 'server_error', code: 'provider_unavailable' };
        const failed = await one.jobs.finish(job.id, { status: 'failed', error, finishedAt: '2026-03-01T09:01:00.000Z' });

        expect(failed).toEqual({ ...job, status: 'failed', error, finishedAt: '2026-03-01T09:01:00.000Z' });
        expect(await two.jobs.finish(job.id, succeeded('2026-03-01T09:02:00.000Z'))).toBeUndefined();
        expect(await two.jobs.finish(job.id, { status: 'cancelled', finishedAt: '2026-03-01T09:02:00.000Z' })).toBeUndefined();
        expect(await two.jobs.get('alice', job.id)).toEqual(failed);
        expect(await two.jobs.finish('job_none', { status: 'cancelled', finishedAt: '2026-03-01T09:02:00.000Z' })).toBeUndefined();
      });

      it('forgets a finished job once its time to live has passed, deletes it with its image, and gives its key to a new job', async () => {
        const job = newJob('alice', 'k');
        await one.jobs.create(job);
        await one.images.save(job.id, new Uint8Array([1, 2, 3, 4]));
        await one.jobs.finish(job.id, succeeded(new Date(clock).toISOString()));
        const unfinished = newJob();
        await one.jobs.create(unfinished);

        clock += TTL_MS - 1;
        expect((await two.jobs.get('alice', job.id))?.status).toBe('succeeded');
        expect(await two.jobs.deleteExpired()).toBe(0);
        clock += 1;
        expect(await two.jobs.get('alice', job.id)).toBeUndefined();
        expect(await two.jobs.byKey('alice', 'k')).toBeUndefined();

        const again = newJob('alice', 'k');
        expect((await two.jobs.create(again)).created).toBe(true);
        expect(await one.jobs.byKey('alice', 'k')).toMatchObject({ id: again.id });
        expect(await one.jobs.deleteExpired()).toBe(1);
        expect(await one.images.open(job.id)).toBeUndefined();
        expect(await two.jobs.byKey('alice', 'k')).toMatchObject({ id: again.id });
        // An unfinished job never expires.
        expect((await two.jobs.get('alice', unfinished.id))?.status).toBe('queued');
        expect(await two.jobs.deleteExpired()).toBe(0);
      });

      it('fails the unfinished jobs of a handle that died, with the message to generate again, once', async () => {
        const queued = newJob();
        const running = newJob();
        const done = newJob();
        for (const job of [queued, running, done]) await one.jobs.create(job);
        await one.jobs.start(running.id);
        const finished = await one.jobs.finish(done.id, { status: 'cancelled', finishedAt: new Date(clock).toISOString() });
        // A live handle's jobs are its own.
        expect(await two.jobs.failAbandoned()).toBe(0);
        expect((await two.jobs.get('alice', queued.id))?.status).toBe('queued');

        const after = await fixture.restart();
        clock += LEASE_PASSED_MS;
        const event = nextEvent(after, { job: running.id });
        expect(await after.jobs.failAbandoned()).toBe(2);
        await event;

        for (const job of [queued, running]) {
          expect(await after.jobs.get('alice', job.id)).toEqual({ ...job, status: 'failed', error: interruptedJobError(), finishedAt: new Date(clock).toISOString() });
        }
        expect(await after.jobs.get('alice', done.id)).toEqual(finished);
        expect(await after.jobs.failAbandoned()).toBe(0);
      });
    });

    describe('images', () => {
      it('reads back the saved PNG through every handle, with its length', async () => {
        const png = randomBytes(3000);
        await one.images.save('job_image', png);
        const opened = await two.images.open('job_image');

        expect(opened?.bytes).toBe(png.length);
        expect((await readAll(opened!.body)).bytes).toEqual(png);
        expect(await two.images.open('job_none')).toBeUndefined();
      });

      it('streams a large image in pieces, whole', async () => {
        const png = randomBytes(8 * 1024 * 1024 + 123);
        await one.images.save('job_large', png);
        const opened = await two.images.open('job_large');
        const read = await readAll(opened!.body);

        expect(opened!.bytes).toBe(png.length);
        expect(read.pieces).toBeGreaterThan(1);
        expect(read.bytes.equals(png)).toBe(true);
      });

      it('never ends an opened image early as if it were whole when its job is deleted meanwhile', async () => {
        const job = newJob();
        await one.jobs.create(job);
        const png = randomBytes(3 * 1024 * 1024);
        await one.images.save(job.id, png);
        await one.jobs.finish(job.id, succeeded(new Date(clock).toISOString()));
        const opened = await two.images.open(job.id);
        clock += TTL_MS;
        expect(await one.jobs.deleteExpired()).toBe(1);

        const read = await readAll(opened!.body).catch(() => undefined);
        if (read) expect(read.bytes.equals(png)).toBe(true);
      });
    });

    describe('events', () => {
      it("wakes a listener on one handle when a job changes through the other, and not once it unsubscribed", async () => {
        const job = newJob();
        await two.jobs.create(job);

        const started = nextEvent(one, { job: job.id });
        await two.jobs.start(job.id);
        await started;

        const finished = nextEvent(one, { job: job.id });
        await two.jobs.finish(job.id, { status: 'cancelled', finishedAt: new Date(clock).toISOString() });
        await finished;

        const other = countEvents(one, { job: 'job_other' });
        const unsubscribed = countEvents(one, { job: job.id });
        unsubscribed.stop();
        const still = nextEvent(one, { job: job.id });
        clock += TTL_MS;
        await two.jobs.deleteExpired();
        await still;
        expect(unsubscribed.count()).toBe(0);
        expect(other.count()).toBe(0);
        other.stop();
      });

      it("wakes a listener on a client's key when a job is created with it and when a place holding it is released", async () => {
        const created = nextEvent(one, { client: 'alice', idempotencyKey: 'k' });
        await two.jobs.create(newJob('alice', 'k'));
        await created;

        const taken = await two.places.take({ client: 'alice', idempotencyKey: 'k2' });
        const released = nextEvent(one, { client: 'alice', idempotencyKey: 'k2' });
        if ('place' in taken) await taken.place.release();
        await released;
      });
    });

    describe('places', () => {
      const limits = { maxConcurrent: 2, maxPerMinute: 30 };

      it("holds a client's images in flight over every handle, and frees a place once, on its release", async () => {
        const first = await one.places.take({ client: 'alice', limits });
        const second = await two.places.take({ client: 'alice', limits });
        expect(await refusalOf(one.places.take({ client: 'alice', limits }))).toMatchObject({ status: 429, code: 'too_many_jobs' });
        expect(await refusalOf(two.places.take({ client: 'alice', limits }))).toMatchObject({ status: 429, code: 'too_many_jobs' });
        // Another client has places of its own.
        expect('place' in (await two.places.take({ client: 'bob', limits }))).toBe(true);

        if (!('place' in first) || !('place' in second)) throw new Error('expected places');
        await first.place.release();
        await first.place.release();
        const third = await two.places.take({ client: 'alice', limits });
        expect('place' in third).toBe(true);
        expect(await refusalOf(one.places.take({ client: 'alice', limits }))).toMatchObject({ code: 'too_many_jobs' });
        // Without limits nothing is refused.
        expect('place' in (await one.places.take({ client: 'alice' }))).toBe(true);
      });

      it('counts against the minute the provider calls that started, on any handle, and only those', async () => {
        const perMinute = { maxConcurrent: 10, maxPerMinute: 3 };
        // Places given back unstarted (a refused body, a duplicate) never count.
        for (let i = 0; i < 5; i++) {
          const taken = await one.places.take({ client: 'alice', limits: perMinute });
          if ('place' in taken) await taken.place.release();
        }
        for (const store of [one, two, one]) {
          const taken = await store.places.take({ client: 'alice', limits: perMinute });
          if (!('place' in taken)) throw new Error('expected a place');
          await taken.place.start();
          await taken.place.start();
          await taken.place.release();
        }
        clock += 20_000;
        expect(await refusalOf(two.places.take({ client: 'alice', limits: perMinute }))).toMatchObject({ status: 429, code: 'rate_limited' });
        clock += 40_001;
        expect('place' in (await two.places.take({ client: 'alice', limits: perMinute }))).toBe(true);
      });

      it('counts places still uploading towards the minute', async () => {
        const perMinute = { maxConcurrent: 10, maxPerMinute: 2 };
        await one.places.take({ client: 'alice', limits: perMinute });
        await two.places.take({ client: 'alice', limits: perMinute });
        expect(await refusalOf(one.places.take({ client: 'alice', limits: perMinute }))).toMatchObject({ code: 'rate_limited' });
      });

      it("reserves a client's Idempotency-Key among its live places, on every handle, until the place is released", async () => {
        const held = await one.places.take({ client: 'alice', idempotencyKey: 'k', limits });
        expect(held).toMatchObject({ place: { client: 'alice', idempotencyKey: 'k' } });
        expect(await two.places.take({ client: 'alice', idempotencyKey: 'k', limits })).toEqual({ keyHeld: true });
        expect(await one.places.take({ client: 'alice', idempotencyKey: 'k', limits })).toEqual({ keyHeld: true });
        const bobs = await two.places.take({ client: 'bob', idempotencyKey: 'k', limits });
        expect('place' in bobs).toBe(true);

        if (!('place' in held)) throw new Error('expected a place');
        await held.place.release();
        expect('place' in (await two.places.take({ client: 'alice', idempotencyKey: 'k', limits }))).toBe(true);
      });

      it('gives one place for one key however many handles ask at once', async () => {
        const results = await Promise.all([one, two, one, two].map((store) => store.places.take({ client: 'alice', idempotencyKey: 'race', limits: { maxConcurrent: 10, maxPerMinute: 30 } })));
        expect(results.filter((result) => 'place' in result)).toHaveLength(1);
      });
    });

    describe('tokens', () => {
      const alice = { name: 'alice', sha256: tokenHash('rmg_alice'), createdAt: '2026-03-01T08:00:00.000Z' };
      const bob = { name: 'bob', sha256: tokenHash('rmg_bob'), createdAt: '2026-03-01T08:30:00.000Z' };

      it('adds, lists, names and counts tokens, seen by every handle', async () => {
        expect(await one.tokens.hasAny()).toBe(false);
        expect(await one.tokens.list()).toEqual([]);
        await one.tokens.add(alice);
        await one.tokens.add(bob);

        expect(await two.tokens.hasAny()).toBe(true);
        expect(await two.tokens.nameOf(alice.sha256)).toBe('alice');
        expect(await two.tokens.nameOf(tokenHash('rmg_nobody'))).toBeUndefined();
        expect(await two.tokens.use(tokenHash('rmg_nobody'))).toBeUndefined();
        expect(await two.tokens.list()).toEqual([
          { name: 'alice', createdAt: alice.createdAt, requests: 0 },
          { name: 'bob', createdAt: bob.createdAt, requests: 0 },
        ]);

        clock += 60_000;
        expect(await two.tokens.use(alice.sha256)).toBe('alice');
        expect(await two.tokens.use(alice.sha256)).toBe('alice');
        const listed = await two.tokens.list();
        expect(listed[0]).toEqual({ name: 'alice', createdAt: alice.createdAt, requests: 2, lastUsedAt: new Date(clock).toISOString() });
        expect(listed[1]).toEqual({ name: 'bob', createdAt: bob.createdAt, requests: 0 });
      });

      it('counts the uses of several tokens on two handles that write them at once', async () => {
        await one.tokens.add(alice);
        await one.tokens.add(bob);
        for (const [handle, token] of [[one, alice], [one, bob], [one, alice], [two, bob], [two, alice]] as const) expect(await handle.tokens.use(token.sha256)).toBe(token.name);
        // Both write what they gathered together, each for both tokens.
        await Promise.all([one.tokens.list(), two.tokens.list()]);
        expect((await one.tokens.list()).map(({ name, requests }) => [name, requests])).toEqual([['alice', 3], ['bob', 2]]);
      });

      it('refuses a second token with a name, even when two handles add it at once', async () => {
        const results = await Promise.allSettled([one.tokens.add(alice), two.tokens.add({ ...alice, sha256: tokenHash('rmg_other') })]);
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        const refused = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
        expect(refused.reason).toBeInstanceOf(TokenError);
        expect((refused.reason as Error).message).toBe('A token named "alice" already exists. Revoke it first, or pick another name.');
        expect(await one.tokens.list()).toHaveLength(1);
      });

      it('stops a revoked token at once on every handle', async () => {
        await one.tokens.add(alice);
        await one.tokens.add(bob);
        expect(await two.tokens.use(alice.sha256)).toBe('alice');

        expect(await one.tokens.remove('alice')).toBe(true);
        expect(await two.tokens.use(alice.sha256)).toBeUndefined();
        expect(await two.tokens.nameOf(alice.sha256)).toBeUndefined();
        expect(await two.tokens.use(bob.sha256)).toBe('bob');
        expect(await two.tokens.remove('alice')).toBe(false);
        expect((await two.tokens.list()).map((token) => token.name)).toEqual(['bob']);
      });
    });
  });
}
