import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { migrationFailed, schemaTooNew } from '../../errors';
import { LOCK } from './advisory-locks';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const MIGRATION_FILE = /^(\d{3})-[a-z0-9-]+\.sql$/;

interface Migration {
  version: number;
  name: string;
  sql: string;
}

async function readMigrations(dir: string): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((name) => MIGRATION_FILE.test(name)).sort();
  return Promise.all(
    names.map(async (name) => ({ version: Number(MIGRATION_FILE.exec(name)![1]), name, sql: await readFile(`${dir}/${name}`, 'utf8') })),
  );
}

/**
 * Brings the database's schema up to the migrations in `dir` and resolves the versions it applied.
 * Under a session advisory lock, so instances starting together wait for each other and each
 * migration runs once; each migration in its own transaction, recorded in `schema_migrations` in
 * that transaction, so a failed one leaves nothing half done and is tried again at the next start.
 * `client` must be one connection (not a pool): the lock belongs to its session.
 */
export async function migrate(client: pg.ClientBase, dir: string = MIGRATIONS_DIR): Promise<number[]> {
  const migrations = await readMigrations(dir);
  await client.query('SELECT pg_advisory_lock($1, 0)', [LOCK.migrations]);
  try {
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((row) => row.version));
    const newest = Math.max(0, ...migrations.map((m) => m.version));
    const ahead = [...done].filter((version) => version > newest);
    if (ahead.length > 0) {
      throw schemaTooNew(Math.max(...ahead), newest);
    }
    const applied: number[] = [];
    for (const migration of migrations.filter((m) => !done.has(m.version))) {
      try {
        await client.query('BEGIN');
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw migrationFailed(migration.name, error);
      }
      applied.push(migration.version);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, 0)', [LOCK.migrations]).catch(() => undefined);
  }
}
