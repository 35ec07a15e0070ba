import { expect, it } from 'vitest';
import { Database } from '../../relay/store/postgres/database';
import { freshDatabase } from '../helpers/postgres-database';

// pg closes a pooled connection after 10 s unused by default; opening one again (TCP, a SCRAM
// login, a new server process with cold caches) measured 14 ms on the bench machine.
it('keeps a pooled connection through a quiet spell longer than pg closes it by default, so a request after a pause opens none', async () => {
  const db = new Database(await freshDatabase());
  try {
    const backend = async () => (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const before = await backend();
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    expect(await backend()).toBe(before);
    expect(db.pool.totalCount).toBe(1);
  } finally {
    await db.end();
  }
}, 20_000);
