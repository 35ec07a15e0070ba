import { describe, expect, it } from 'vitest';
import { RelayHttpError } from '../../relay/errors';
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

describe('the PostgreSQL store: the places of an instance that died', () => {
  it('count, and hold their keys, until their lease has passed; then a take frees them, takes their key and wakes whoever waits on it', { timeout: 20_000 }, async () => {
    const databaseUrl = await freshDatabase();
    let clock = Date.parse('2026-03-01T09:00:00Z');
    const open = () => openPostgresStore({ dataDir: '/nonexistent', databaseUrl, ttlMs: 3_600_000, now: () => clock });
    const [dying, left] = await Promise.all([open(), open()]);
    try {
      const tight = { maxConcurrent: 1, maxPerMinute: 30 };
      await dying.places.take({ client: 'alice', idempotencyKey: 'k', limits: tight });
      // Closed: it renews no lease from now on, which is all the other instance can tell of a kill -9.
      await dying.close();
      const refused = () => left.places.take({ client: 'alice', limits: tight }).then(() => undefined, (error: unknown) => error);
      expect(await left.places.take({ client: 'alice', idempotencyKey: 'k', limits: tight })).toEqual({ keyHeld: true });
      expect(await refused()).toMatchObject({ code: 'too_many_jobs' });

      clock += 61_000;
      const woken = new Promise<void>((resolve) => {
        const stop = left.events.subscribe({ client: 'alice', idempotencyKey: 'k' }, () => {
          stop();
          resolve();
        });
      });
      expect(await left.places.take({ client: 'alice', idempotencyKey: 'k', limits: tight })).toMatchObject({ place: { client: 'alice', idempotencyKey: 'k' } });
      await woken;
      // The new place counts in its turn.
      expect(await refused()).toBeInstanceOf(RelayHttpError);
    } finally {
      await left.close();
    }
  });
});
