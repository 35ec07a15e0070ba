import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS_DIR } from '../../relay/store/postgres/migrate';
import { freshDatabase } from '../helpers/postgres-database';

async function connect(url: string, queryTimeoutMs?: number): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, query_timeout: queryTimeoutMs });
  await client.connect();
  return client;
}

/** Runs `migrate` on `count` connections at once, as instances starting together do. */
async function migrateTogether(url: string, count: number, dir?: string): Promise<PromiseSettledResult<number[]>[]> {
  const clients = await Promise.all(Array.from({ length: count }, () => connect(url)));
  try {
    return await Promise.allSettled(clients.map((client) => migrate(client, dir)));
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}

describe('PostgreSQL migrations', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reimage-migrations-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("three instances starting together on a fresh database apply each of the repository's migrations once", async () => {
    const url = await freshDatabase();
    const results = await migrateTogether(url, 3);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const applied = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    expect(applied).toEqual([1, 2, 3]);
    const client = await connect(url);
    const { rows } = await client.query('SELECT version, name FROM schema_migrations ORDER BY version');
    const tables = await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
    // Images' pieces are not vacuumed for their inserts, neither the table nor the TOAST table that holds their bytes.
    const imageOptions = await client.query(
      "SELECT c.reloptions AS own, t.reloptions AS toast FROM pg_class c JOIN pg_class t ON t.oid = c.reltoastrelid WHERE c.relname = 'image_chunks'",
    );
    await client.end();
    expect(rows).toEqual([
      { version: 1, name: '001-initial.sql' },
      { version: 2, name: '002-team.sql' },
      { version: 3, name: '003-image-vacuum.sql' },
    ]);
    expect(imageOptions.rows).toEqual([{ own: ['autovacuum_vacuum_insert_threshold=-1'], toast: ['autovacuum_vacuum_insert_threshold=-1'] }]);
    expect(tables.rows.map((r) => r.tablename)).toEqual(['budgets', 'image_chunks', 'images', 'jobs', 'places', 'provider_starts', 'schema_migrations', 'team_presets', 'tokens', 'usage_records']);
    expect(MIGRATIONS_DIR).toMatch(/relay\/store\/postgres\/migrations\/$/);
  });

  it('runs each migration once when they start together, a later start applies only the new ones, and a failing one leaves nothing half done', async () => {
    const url = await freshDatabase();
    await writeFile(join(dir, '001-counter.sql'), 'CREATE TABLE counter (n int);');
    // Not idempotent on purpose: run twice, it would count 2.
    await writeFile(join(dir, '002-count.sql'), 'INSERT INTO counter VALUES (1);');
    const first = await migrateTogether(url, 3, dir);
    expect(first.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(first.flatMap((r) => (r.status === 'fulfilled' ? r.value : [])).sort()).toEqual([1, 2]);

    await writeFile(join(dir, '003-count-again.sql'), 'INSERT INTO counter VALUES (1);');
    await writeFile(join(dir, '004-broken.sql'), 'CREATE TABLE half_done (x int); INSERT INTO counter VALUES (1); SELECT no_such_column FROM counter;');
    const client = await connect(url);
    await expect(migrate(client, dir)).rejects.toThrow(/migration 004-broken\.sql failed: column "no_such_column" does not exist/);
    const counted = await client.query('SELECT count(*)::int AS n FROM counter');
    const versions = await client.query('SELECT version FROM schema_migrations ORDER BY version');
    const halfDone = await client.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'half_done'");
    await client.end();
    expect(counted.rows[0].n).toBe(2);
    expect(versions.rows.map((r) => r.version)).toEqual([1, 2, 3]);
    expect(halfDone.rows[0].n).toBe(0);
  });

  it("waits for, and runs, a migration longer than the connection's query timeout", async () => {
    const url = await freshDatabase();
    const slowDir = await mkdtemp(join(tmpdir(), 'reimage-slow-migration-'));
    // The relay's pool allows a query 15 s; a migration rewriting a big table takes longer.
    await writeFile(join(slowDir, '001-slow.sql'), 'SELECT pg_sleep(1.5); CREATE TABLE slow (n int);');
    const clients = await Promise.all([connect(url, 500), connect(url, 500)]);
    try {
      const results = await Promise.allSettled(clients.map((client) => migrate(client, slowDir)));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
      expect(results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []))).toEqual([1]);
    } finally {
      await Promise.all(clients.map((client) => client.end()));
      await rm(slowDir, { recursive: true, force: true });
    }
  });

  it('refuses a database that a newer relay migrated, and says so', async () => {
    const url = await freshDatabase();
    const client = await connect(url);
    await migrate(client);
    await client.query("INSERT INTO schema_migrations (version, name) VALUES (999, '999-future.sql')");
    await expect(migrate(client)).rejects.toThrow(/version 999, newer than this relay knows \(3\)/);
    await client.end();
  });
});
