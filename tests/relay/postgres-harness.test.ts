import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PostgresMissingError, startPostgresCluster } from '../helpers/postgres-cluster';
import { freshDatabase, postgresClusterUrl } from '../helpers/postgres-database';

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe("the tests' PostgreSQL cluster", () => {
  it('is PostgreSQL 13 or later, on loopback only, with its socket out of /run and without fsync', async () => {
    const [row] = await query<{ version: number; listen: string; socket: string; fsync: string; address: string }>(
      postgresClusterUrl(),
      "SELECT current_setting('server_version_num')::int AS version, current_setting('listen_addresses') AS listen, " +
        "current_setting('unix_socket_directories') AS socket, current_setting('fsync') AS fsync, host(inet_server_addr()) AS address",
    );
    expect(row.version).toBeGreaterThanOrEqual(130000);
    expect(row.listen).toBe('127.0.0.1');
    expect(row.address).toBe('127.0.0.1');
    expect(row.socket).toMatch(/reimage-pg-/);
    expect(row.fsync).toBe('off');
  });

  it('refuses a wrong password', async () => {
    const url = new URL(postgresClusterUrl());
    url.password = 'wrong';
    await expect(query(url.href, 'SELECT 1')).rejects.toThrow(/password authentication failed/);
  });

  it('gives each caller its own empty database', async () => {
    const [a, b] = await Promise.all([freshDatabase(), freshDatabase()]);
    expect(a).not.toBe(b);
    await query(a, 'CREATE TABLE only_in_a (x int)');
    const tables = await query<{ n: number }>(b, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'only_in_a'");
    expect(tables[0].n).toBe(0);
  });

  it('stops and removes its directory, and the port refuses afterwards', async () => {
    const cluster = await startPostgresCluster();
    const [row] = await query<{ dir: string }>(cluster.url, "SELECT current_setting('data_directory') AS dir");
    await cluster.stop();
    expect(existsSync(row.dir)).toBe(false);
    await expect(query(cluster.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('says to install postgresql when initdb is nowhere to be found', async () => {
    const missing = startPostgresCluster({ root: '/nonexistent', path: '/nonexistent' });
    await expect(missing).rejects.toThrow(PostgresMissingError);
    await expect(missing).rejects.toThrow(/apt-get install postgresql/);
  });
});
