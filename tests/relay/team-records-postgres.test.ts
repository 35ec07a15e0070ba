import pg from 'pg';
import { afterAll } from 'vitest';
import { migrate } from '../../relay/store/postgres/migrate';
import { postgresTeamRecords } from '../../relay/store/postgres/postgres-team';
import { freshDatabase } from '../helpers/postgres-database';
import { teamRecordsContract } from './team-records-contract';

const pools: pg.Pool[] = [];
afterAll(() => Promise.all(pools.map((pool) => pool.end())));

async function migratedPool(url: string): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pools.push(pool);
  const client = await pool.connect();
  await migrate(client).finally(() => client.release());
  return pool;
}

// Two pools on one database stand for two relay instances (or an instance and the `token` command).
teamRecordsContract('PostgreSQL', async () => {
  const url = await freshDatabase();
  const [a, b] = [await migratedPool(url), await migratedPool(url)];
  return { first: postgresTeamRecords(a), second: postgresTeamRecords(b) };
});
