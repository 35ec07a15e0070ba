import { tokenNameTaken } from '../../errors';
import type { StoredToken, TokenRecords, TokenSummary } from '../store';
import type { Database } from './database';

/** How long uses are gathered before they are written: one UPDATE a second for every token used, not one per request. */
const USE_FLUSH_MS = 1_000;

/**
 * Adds the uses ($1 hashes, $2 request counts, $3 last uses) to their tokens. The rows are locked in
 * the order of their hashes, as every instance locks them, so two instances' flushes never deadlock.
 */
const FLUSH_SQL = `
  WITH uses AS (SELECT * FROM unnest($1::text[], $2::bigint[], $3::timestamptz[]) AS use (sha256, requests, last_used_at)),
       locked AS (SELECT tokens.sha256 FROM tokens JOIN uses USING (sha256) ORDER BY tokens.sha256 FOR UPDATE OF tokens)
  UPDATE tokens SET requests = tokens.requests + uses.requests, last_used_at = GREATEST(tokens.last_used_at, uses.last_used_at)
  FROM uses WHERE tokens.sha256 = uses.sha256 AND tokens.sha256 IN (SELECT sha256 FROM locked)`;

interface PendingUse {
  requests: number;
  lastUsedAt: Date;
}

/**
 * Tokens in the tokens table, read on every request, so one created or revoked through any
 * instance (or the `token` command) counts everywhere at the next request.
 */
export class PostgresTokens implements TokenRecords {
  private readonly pending = new Map<string, PendingUse>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  async add(token: StoredToken): Promise<void> {
    const { rowCount } = await this.db.query('INSERT INTO tokens (name, sha256, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING', [
      token.name,
      token.sha256,
      token.createdAt,
    ]);
    if (rowCount === 0) throw tokenNameTaken(token.name);
  }

  async remove(name: string): Promise<boolean> {
    const { rowCount } = await this.db.query('DELETE FROM tokens WHERE name = $1', [name]);
    return rowCount === 1;
  }

  async list(): Promise<TokenSummary[]> {
    await this.flush();
    const { rows } = await this.db.query<{ name: string; created_at: Date; requests: string; last_used_at: Date | null }>(
      'SELECT name, created_at, requests, last_used_at FROM tokens ORDER BY created_at, name',
    );
    return rows.map((row) => ({
      name: row.name,
      createdAt: row.created_at.toISOString(),
      requests: Number(row.requests),
      ...(row.last_used_at ? { lastUsedAt: row.last_used_at.toISOString() } : {}),
    }));
  }

  async hasAny(): Promise<boolean> {
    const { rows } = await this.db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM tokens) AS any');
    return rows[0].any;
  }

  async nameOf(sha256: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ name: string }>('SELECT name FROM tokens WHERE sha256 = $1', [sha256]);
    return rows[0]?.name;
  }

  async use(sha256: string): Promise<string | undefined> {
    const name = await this.nameOf(sha256);
    if (name === undefined) return undefined;
    const use = this.pending.get(sha256) ?? { requests: 0, lastUsedAt: new Date(0) };
    this.pending.set(sha256, { requests: use.requests + 1, lastUsedAt: new Date(this.now()) });
    this.timer ??= setTimeout(() => void this.flush(), USE_FLUSH_MS);
    return name;
  }

  /** Writes the gathered uses, every token's in one statement; if the database cannot take them now, they wait for the next flush. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const uses = [...this.pending].sort(([a], [b]) => (a < b ? -1 : 1));
    this.pending.clear();
    if (uses.length === 0) return;
    await this.db.query(FLUSH_SQL, [uses.map(([sha256]) => sha256), uses.map(([, use]) => use.requests), uses.map(([, use]) => use.lastUsedAt)]).catch(() => {
      for (const [sha256, use] of uses) {
        const later = this.pending.get(sha256);
        this.pending.set(sha256, { requests: use.requests + (later?.requests ?? 0), lastUsedAt: later?.lastUsedAt ?? use.lastUsedAt });
      }
      if (!this.closed) this.timer ??= setTimeout(() => void this.flush(), USE_FLUSH_MS);
    });
  }

  /** Writes what is pending, once more, and stops gathering. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }
}
