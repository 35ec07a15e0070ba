import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreOpenError, StoreUnavailableError } from '../../relay/errors';
import { Database } from '../../relay/store/postgres/database';
import { ListenConnection } from '../../relay/store/postgres/listen-connection';
import { CHUNK_BYTES } from '../../relay/store/postgres/postgres-images';
import { openPostgresStore } from '../../relay/store/postgres/open-postgres';
import type { RelayStore } from '../../relay/store/store';
import { freshDatabase } from '../helpers/postgres-database';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

const open = (databaseUrl: string) => openPostgresStore({ dataDir: '/nonexistent', databaseUrl, ttlMs: 3_600_000 });

async function openError(databaseUrl: string): Promise<StoreOpenError> {
  const error = await open(databaseUrl).then(
    (store) => store.close().then(() => new Error('opened')),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StoreOpenError);
  return error as StoreOpenError;
}

describe('PostgreSQL faults at open: one message saying what to check, never the password', () => {
  let url: string;
  beforeAll(async () => {
    url = await freshDatabase();
  });

  it('a malformed DATABASE_URL', async () => {
    expect((await openError('localhost:5432/reimage')).message).toMatch(/^DATABASE_URL is not a PostgreSQL URL \(it starts with "localhost:\/\/", not postgres:\/\/\)\. Write it as postgres:\/\/user:password@host:5432\/database/);
    expect((await openError('not a url')).message).toMatch(/^DATABASE_URL is not a PostgreSQL URL \(it is not a URL\)/);
    expect((await openError('mysql://u:p@db/x')).message).toMatch(/it starts with "mysql:\/\/"/);
  });

  it('a wrong password', async () => {
    const wrong = new URL(url);
    wrong.password = 'not-the-password';
    const { message } = await openError(wrong.href);
    expect(message).toMatch(/^cannot use the PostgreSQL database at postgres@127\.0\.0\.1:\d+\/test_\w+: it refused the user "postgres" \(wrong password, or no access\)\. Check the user and password in DATABASE_URL\.$/);
    expect(message).not.toContain('not-the-password');
  });

  it('a database that is down', async () => {
    const proxy = await startTcpProxy(Number(new URL(url).port));
    await proxy.cut();
    const { message } = await openError(proxy.through(url));
    expect(message).toMatch(/nothing answers there \(connection refused\)\. Check that PostgreSQL is running and that the host and port in DATABASE_URL are right\.$/);
    expect(message).not.toContain(new URL(url).password);
  });

  it('a database that does not exist', async () => {
    const missing = new URL(url);
    missing.pathname = '/no_such_database';
    expect((await openError(missing.href)).message).toMatch(/it has no database "no_such_database"\. Create it \(createdb no_such_database\)/);
  });
});

describe('PostgreSQL lost while the relay runs', () => {
  let url: string;
  let proxy: TcpProxy;
  let a: RelayStore;
  let b: RelayStore;
  beforeAll(async () => {
    url = await freshDatabase();
    proxy = await startTcpProxy(Number(new URL(url).port));
    // A reaches the database through the proxy, B directly: the outage is A's alone.
    [a, b] = await Promise.all([open(proxy.through(url)), open(url)]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close(), proxy.close()]);
  });

  const newJob = async () => (await b.jobs.create({ id: `job_${randomBytes(6).toString('hex')}`, client: 'alice', kind: 'edit', createdAt: new Date().toISOString() })).job;

  it('answers 503 store_unavailable with Retry-After meanwhile, and reconnects by itself: its waiters re-read and hear NOTIFY again', async () => {
    const job = await newJob();
    let woken = 0;
    const stop = a.events.subscribe({ job: job.id }, () => woken++);
    expect((await a.jobs.get('alice', job.id))?.status).toBe('queued');

    await proxy.cut();
    const refusal = await a.jobs.get('alice', job.id).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(StoreUnavailableError);
    const response = (refusal as StoreUnavailableError).toResponse();
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(((await response.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'store_unavailable',
      message: expect.stringMatching(/try again in a minute/i),
    });
    await expect(a.places.take({ client: 'alice' })).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(a.tokens.hasAny()).rejects.toBeInstanceOf(StoreUnavailableError);
    // The job ends while A cannot hear it: that NOTIFY never reaches A.
    await b.jobs.finish(job.id, { status: 'cancelled', finishedAt: new Date().toISOString() });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(woken).toBe(0);

    await proxy.restore();
    // Back, the LISTEN connection wakes every waiter, who re-reads and sees the end it missed.
    await expect.poll(() => woken, { timeout: 10_000 }).toBeGreaterThan(0);
    stop();
    expect((await a.jobs.get('alice', job.id))?.status).toBe('cancelled');
    const next = await newJob();
    const heard = new Promise<void>((resolve) => a.events.subscribe({ job: next.id }, resolve));
    await b.jobs.finish(next.id, { status: 'cancelled', finishedAt: new Date().toISOString() });
    await heard;
  });

  it('a connection lost between the statements of a transaction rejects it with 503 and crashes nothing', async () => {
    const db = new Database(proxy.through(url));
    try {
      const cutMidway = db.transaction(async (client) => {
        await client.query('SELECT 1');
        await proxy.cut();
        // pg reports the loss now, while no query runs on this connection: an 'error' event nobody else hears.
        await new Promise((resolve) => setTimeout(resolve, 200));
        await client.query('SELECT 1');
      });
      await expect(cutMidway).rejects.toBeInstanceOf(StoreUnavailableError);
      await proxy.restore();
      expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await proxy.restore();
      await db.end();
    }
  });

  it('notices a LISTEN connection whose database vanished without a word, listens again, and wakes its waiters to re-read', async () => {
    const silent = await startTcpProxy(Number(new URL(url).port));
    const listen = new ListenConnection(silent.through(url), { everyMs: 200, timeoutMs: 300 });
    try {
      await listen.start();
      const job = await newJob();
      let woken = 0;
      listen.subscribe({ job: job.id }, () => woken++);
      silent.freeze();
      await b.jobs.finish(job.id, { status: 'cancelled', finishedAt: new Date().toISOString() });
      silent.thaw();
      // The old connection stays silent forever; only asking it something shows it is gone.
      await expect.poll(() => woken, { timeout: 10_000 }).toBeGreaterThan(0);
      const next = await newJob();
      const heard = new Promise<void>((resolve) => listen.subscribe({ job: next.id }, resolve));
      await b.jobs.finish(next.id, { status: 'cancelled', finishedAt: new Date().toISOString() });
      await heard;
    } finally {
      await listen.close();
      await silent.close();
    }
  });

  it('closes within seconds though its database vanished without a word (a relay that stops is not held up)', async () => {
    const silent = await startTcpProxy(Number(new URL(url).port));
    const store = await open(silent.through(url));
    try {
      await store.tokens.hasAny();
      silent.freeze();
      const started = Date.now();
      await store.close();
      expect(Date.now() - started).toBeLessThan(7_000);
    } finally {
      await silent.close();
    }
  });

  it('a download cut off by the outage errors: it never ends as if the image were whole', async () => {
    const job = await newJob();
    await b.images.save(job.id, randomBytes(3 * CHUNK_BYTES));
    const opened = await a.images.open(job.id);
    const reader = opened!.body.getReader();
    await reader.read();
    await proxy.cut();
    const rest = (async () => {
      for (;;) if ((await reader.read()).done) return 'ended';
    })();
    await expect(rest).rejects.toBeInstanceOf(StoreUnavailableError);
    await proxy.restore();
    await expect.poll(() => a.images.open(job.id).then((image) => image?.bytes), { timeout: 10_000 }).toBe(3 * CHUNK_BYTES);
  });
});
