import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { databaseOpenError, MigrationError, StoreOpenError } from '../../errors';
import type { RelayStore, StoreOptions, TokenStoreHandle } from '../store';
import { at } from './context';
import { Database } from './database';
import { databaseAddress } from './database-url';
import { LEASE_MS, RENEW_EVERY_MS } from './leases';
import { ListenConnection } from './listen-connection';
import { migrate } from './migrate';
import { PostgresImages } from './postgres-images';
import { PostgresJobs } from './postgres-jobs';
import { PostgresPlaces } from './postgres-places';
import { postgresTeamRecords } from './postgres-team';
import { PostgresTokens } from './postgres-tokens';

/** How long a closing instance waits for the database to see its connections closed. */
const CLOSE_WITHIN_MS = 5_000;

/** Connects once and brings the schema up to date: a wrong URL, password or a database that is down is said here, at start. */
async function openDatabase(url: string, poolSize?: number): Promise<Database> {
  const address = databaseAddress(url);
  const db = new Database(url, poolSize);
  try {
    await db.borrow((client) => migrate(client));
  } catch (error) {
    await db.end().catch(() => undefined);
    if (error instanceof MigrationError) {
      throw new StoreOpenError(`cannot prepare the PostgreSQL database at ${address.where}: ${error.message}`);
    }
    throw databaseOpenError(address.where, address.user, address.database, error);
  }
  return db;
}

/**
 * The store of one relay instance on a PostgreSQL database that any number of instances share.
 * It renews the leases of this instance's unfinished jobs and places every 10 s (`renewEveryMs`:
 * tests make it short), so another instance's `failAbandoned` ends them only once this one is gone.
 */
export async function openPostgresStore(options: StoreOptions & { databaseUrl: string }, renewEveryMs = RENEW_EVERY_MS): Promise<RelayStore> {
  const db = await openDatabase(options.databaseUrl);
  const events = new ListenConnection(options.databaseUrl);
  try {
    await events.start();
  } catch (error) {
    await db.end().catch(() => undefined);
    const address = databaseAddress(options.databaseUrl);
    throw databaseOpenError(address.where, address.user, address.database, error);
  }
  const context = { db, instance: `inst_${randomBytes(8).toString('hex')}`, now: options.now ?? Date.now, ttlMs: options.ttlMs };
  const places = new PostgresPlaces(context);
  const tokens = new PostgresTokens(db, context.now);
  const renew = async () => {
    const until = at(context, LEASE_MS);
    await db.query(`UPDATE jobs SET lease_until = $2 WHERE owner = $1 AND status IN ('queued', 'running')`, [context.instance, until]);
    await db.query('UPDATE places SET lease_until = $2 WHERE id = ANY($1::bigint[])', [[...places.held], until]);
  };
  // A renewal the database cannot take now is tried again at the next tick, well before the lease runs out.
  const renewal = setInterval(() => void renew().catch(() => undefined), renewEveryMs);
  return {
    ...postgresTeamRecords(db),
    jobs: new PostgresJobs(context),
    images: new PostgresImages(context),
    events,
    places,
    tokens,
    async close() {
      clearInterval(renewal);
      // A database that vanished without a word never answers the goodbye: stop waiting for it.
      const goodbye = tokens.close().then(() => Promise.all([events.close(), db.end()]));
      await Promise.race([goodbye, delay(CLOSE_WITHIN_MS, undefined, { ref: false })]);
    },
  };
}

/** The tokens alone, for the `token` command: a small pool, no LISTEN, no leases. */
export async function openPostgresTokenStore(databaseUrl: string, now: () => number = Date.now): Promise<TokenStoreHandle> {
  const db = await openDatabase(databaseUrl, 2);
  const tokens = new PostgresTokens(db, now);
  return {
    ...postgresTeamRecords(db),
    tokens,
    async close() {
      await tokens.close();
      await db.end();
    },
  };
}
