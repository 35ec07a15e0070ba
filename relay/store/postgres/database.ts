import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { StoreUnavailableError } from '../../errors';

/** How long a request waits for a connection, or a query for its answer, before the relay says the database is unavailable. */
const CONNECT_TIMEOUT_MS = 5_000;
const QUERY_TIMEOUT_MS = 15_000;
/** Enough for the downloads, polls and writes of one instance; several instances share the server's max_connections (100 by default). */
const POOL_SIZE = 10;
const KEEPALIVE_MS = 10_000;
/**
 * How long a pooled connection may sit unused before it is closed. pg's default, 10 s, closes
 * them between a team's bursts of work, and each burst then opens them again: a TCP connection, a
 * SCRAM login and a new server process whose caches are cold for its first queries. Five minutes
 * keeps them through a quiet spell; an instance idle that long keeps only the one its lease renewals use.
 */
const IDLE_MS = 5 * 60_000;

const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const CONNECTION_ERROR_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|Connection ended/i;

/**
 * True when the error says the database cannot be reached (down, restarting, the network cut),
 * as opposed to one about the query: the first answers 503 and passes, the second is a bug.
 * SQLSTATE class 08 is connection exceptions; 57P01-57P03 a server shutting down or starting;
 * 53300 too many connections.
 */
export function isConnectionError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (CONNECTION_ERROR_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300')) return true;
  return typeof message === 'string' && CONNECTION_ERROR_MESSAGES.test(message);
}

/** Rethrows a connection failure as the store's StoreUnavailableError (503); anything else as it is. */
export function storeError(error: unknown): never {
  throw isConnectionError(error) ? new StoreUnavailableError() : error;
}

export function connectionConfig(url: string): pg.ClientConfig {
  return {
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    // A connection whose peer vanished without a word (a host that died, a cut network): the
    // system's keepalive probes start after 10 s idle, not after its default two hours.
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_MS,
    application_name: 'reimage-relay',
  };
}

/**
 * The instance's connection pool. A connection broken by a database restart is dropped and a
 * new one made on the next query, so the pool recovers by itself when the database is back.
 */
export class Database {
  readonly pool: pg.Pool;

  constructor(url: string, size = POOL_SIZE) {
    this.pool = new pg.Pool({ ...connectionConfig(url), max: size, idleTimeoutMillis: IDLE_MS });
    // An idle connection the server closed reports here; without a listener it would crash the process.
    this.pool.on('error', () => undefined);
  }

  async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(text, values).catch(storeError);
  }

  /**
   * Runs `work` on one connection of its own, rejecting with the driver's own errors (for the
   * messages at open). pg reports a connection lost while no query runs (between a transaction's
   * statements) as an 'error' event on it, which would crash the process unheard: here it is
   * heard, and the connection is not given to the next caller.
   */
  async borrow<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    const lost = () => (broken = true);
    client.on('error', lost);
    try {
      return await work(client);
    } catch (error) {
      broken ||= isConnectionError(error);
      throw error;
    } finally {
      client.off('error', lost);
      client.release(broken);
    }
  }

  /**
   * The whole answer of a `COPY … TO STDOUT`, read on a connection held only until it has arrived.
   * COPY takes no parameters: whatever it selects by must be spelled safely into `sql`.
   */
  copyOut(sql: string): Promise<Buffer> {
    const run = this.borrow(async (client) => {
      const pieces: Buffer[] = [];
      for await (const piece of client.query(copyTo(sql))) pieces.push(piece as Buffer);
      return Buffer.concat(pieces);
    });
    return run.catch(storeError);
  }

  /** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const run = this.borrow(async (client) => {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        if (!isConnectionError(error)) await client.query('ROLLBACK');
        throw error;
      }
    });
    return run.catch(storeError);
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}
