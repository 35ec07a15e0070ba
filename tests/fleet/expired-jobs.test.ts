import { rm } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK } from '../../relay/store/postgres/advisory-locks';
import { openPostgresStore } from '../../relay/store/postgres/open-postgres';
import type { RelayStore } from '../../relay/store/store';
import { solidPng } from '../fakes/png';
import { freshDatabase } from '../helpers/postgres-database';
import { temporaryDataDir } from '../helpers/relay-process';

const HOUR = 3600_000;
const JOBS = 5;

/*
 * The relay deletes expired jobs every ten minutes, and a job expires an hour at the soonest
 * (JOB_TTL_HOURS), so this drives two instances' stores directly, on one database, with a clock of
 * its own, rather than waiting hours for relay processes.
 */
describe('expired jobs on a database that several instances share', () => {
  const dataDirs = [temporaryDataDir(), temporaryDataDir()];
  const stores: RelayStore[] = [];
  let other: pg.Client | undefined;

  afterAll(async () => {
    await other?.end();
    await Promise.all(stores.map((store) => store.close()));
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('are deleted by one instance at a time: while another is deleting, an instance leaves them', async () => {
    const databaseUrl = await freshDatabase();
    let time = Date.parse('2026-12-01T09:00:00Z');
    const now = () => time;
    stores.push(...(await Promise.all(dataDirs.map((dataDir) => openPostgresStore({ dataDir, databaseUrl, ttlMs: HOUR, now })))));
    const [a, b] = stores;
    const png = solidPng(32, 32);
    for (let i = 0; i < JOBS; i++) {
      const id = `job_expiring_${i}`;
      await a.jobs.create({ id, client: 'team', kind: 'edit', createdAt: new Date(time).toISOString() });
      await a.images.save(id, png);
      expect(await a.jobs.finish(id, { status: 'succeeded', finishedAt: new Date(time).toISOString(), image: { width: 32, height: 32, bytes: png.length } })).toBeDefined();
    }
    time += 2 * HOUR;

    other = new pg.Client({ connectionString: databaseUrl });
    await other.connect();
    const left = async () => (await other!.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs')).rows[0].n;
    // Another instance is deleting them: it holds the lock, as each instance does while it deletes.
    await other.query('SELECT pg_advisory_lock($1, 0)', [LOCK.cleanup]);
    expect(await b.jobs.deleteExpired()).toBe(0);
    expect(await a.jobs.deleteExpired()).toBe(0);
    expect(await left()).toBe(JOBS);
    await other.query('SELECT pg_advisory_unlock($1, 0)', [LOCK.cleanup]);

    // Both at once: one deletes them all, the other nothing.
    const counts = await Promise.all([a.jobs.deleteExpired(), b.jobs.deleteExpired()]);
    expect(counts.sort()).toEqual([0, JOBS]);
    expect(await left()).toBe(0);
    for (const store of stores) expect(await store.images.open('job_expiring_0')).toBeUndefined();
  });
});
