import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../helpers/postgres-database';
import { startRelayFleet, type RelayFleet } from '../helpers/relay-fleet';

const MIGRATIONS = fileURLToPath(new URL('../../relay/store/postgres/migrations', import.meta.url));

describe('three instances starting together on an empty database', () => {
  /** The fleet as it starts; kept here so that a test failing before it has started still stops it. */
  let starting: Promise<RelayFleet> | undefined;
  let holder: pg.Client | undefined;
  let observer: pg.Client | undefined;

  afterAll(async () => {
    // Ending our session lets go of what the instances wait on, so a fleet still starting gets to its end, then is stopped.
    const started = starting?.catch(() => undefined);
    await holder?.end();
    await observer?.end();
    await (await started)?.stop();
  });

  it('migrate it once, each migration applied by one of them, and all three serve', { timeout: 60_000 }, async () => {
    const databaseUrl = await freshDatabase();
    // Processes start a few hundred milliseconds apart, so their migrations might never overlap. A
    // session of ours holds the name schema_migrations in an open transaction: whatever each
    // instance does first (take a lock, or create that table), all three then wait on us, and
    // run into each other the moment we let go.
    holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('CREATE TABLE schema_migrations (held boolean)');
    starting = startRelayFleet({ databaseUrl });
    // Watched from another session: within a transaction pg_stat_activity stays as it was at its first read.
    observer = new pg.Client({ connectionString: databaseUrl });
    await observer.connect();
    const waiting = () =>
      observer!.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
    await expect.poll(async () => (await waiting()).rows[0].n, { timeout: 30_000, interval: 200 }).toBe(3);
    await holder.query('ROLLBACK');
    const fleet = await starting;

    for (const instance of fleet.instances) expect((await fetch(`${instance.url}/healthz`)).status).toBe(200);
    const files = readdirSync(MIGRATIONS).filter((name) => name.endsWith('.sql')).sort();
    expect(files.length).toBeGreaterThan(0);
    const applied = await holder.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY version');
    expect(applied.rows.map((row) => row.name)).toEqual(files);
    // The schema they made works for all: a token made now is known to every instance.
    const { auth } = await fleet.createToken('first');
    for (const instance of fleet.instances) expect((await fetch(`${instance.url}/v1/me`, { headers: auth })).status).toBe(200);
  });
});
