import { tokenNameTaken } from '../../errors';
import type { StoredToken, TokenRecords, TokenSummary } from '../store';
import type { Database } from './database';

/** How long uses are gathered before they are written: one UPDATE per token and second, not one per request. */
const USE_FLUSH_MS = 1_000;

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

  /** Writes the gathered uses; those the database cannot take now are kept for the next flush. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const uses = [...this.pending];
    this.pending.clear();
    await Promise.all(
      uses.map(([sha256, use]) =>
        this.db
          .query('UPDATE tokens SET requests = requests + $2, last_used_at = GREATEST(last_used_at, $3) WHERE sha256 = $1', [sha256, use.requests, use.lastUsedAt])
          .catch(() => {
            const later = this.pending.get(sha256);
            this.pending.set(sha256, { requests: use.requests + (later?.requests ?? 0), lastUsedAt: later?.lastUsedAt ?? use.lastUsedAt });
            if (!this.closed) this.timer ??= setTimeout(() => void this.flush(), USE_FLUSH_MS);
          }),
      ),
    );
  }

  /** Writes what is pending, once more, and stops gathering. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }
}
