import { openPostgresStore } from '../../relay/store/postgres/open-postgres';
import type { RelayStore } from '../../relay/store/store';
import { freshDatabase } from '../helpers/postgres-database';
import { storeContract } from './store-contract';

/**
 * Each test on a database of its own; every handle is another relay instance on it. A handle that
 * "dies" is closed: it renews no lease from then on, which is all another instance can tell of a kill -9.
 */
storeContract('the PostgreSQL store', async ({ ttlMs, now }) => {
  const databaseUrl = await freshDatabase();
  const open = () => openPostgresStore({ dataDir: '/nonexistent', databaseUrl, ttlMs, now });
  const handles: RelayStore[] = [await open()];
  const another = async () => {
    handles.push(await open());
    return handles.at(-1)!;
  };
  return {
    store: handles[0],
    second: another,
    restart: async () => {
      await handles.shift()!.close();
      return another();
    },
    close: async () => {
      await Promise.all(handles.map((handle) => handle.close()));
    },
  };
});
