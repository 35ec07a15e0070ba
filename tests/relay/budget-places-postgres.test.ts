import { afterAll } from 'vitest';
import { openPostgresStore } from '../../relay/store/postgres/open-postgres';
import type { RelayStore } from '../../relay/store/store';
import { freshDatabase } from '../helpers/postgres-database';
import { budgetPlacesContract } from './budget-places-contract';

const stores: RelayStore[] = [];
afterAll(() => Promise.all(stores.map((store) => store.close())));

budgetPlacesContract('PostgreSQL', async () => {
  const url = await freshDatabase();
  const now = Date.parse('2026-12-10T12:00:00.000Z');
  const open = () => openPostgresStore({ dataDir: '/nonexistent', databaseUrl: url, ttlMs: 3_600_000, now: () => now });
  const [a, b] = await Promise.all([open(), open()]);
  stores.push(a, b);
  return { a, b, now };
});
