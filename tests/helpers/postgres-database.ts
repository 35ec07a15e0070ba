import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** The run's cluster URL (tests/setup/postgres.ts), or a failure that says what to install. */
export function postgresClusterUrl(): string {
  const provided = inject('postgres');
  if ('error' in provided) throw new Error(provided.error);
  return provided.url;
}

/** A new, empty database in the run's cluster, so test files never see each other's rows; returns its URL. */
export async function freshDatabase(): Promise<string> {
  const url = new URL(postgresClusterUrl());
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url.href });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  return url.href;
}
