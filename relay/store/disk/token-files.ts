import { timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tokenNameTaken } from '../../errors';
import type { StoredToken, TokenRecords, TokenSummary } from '../store';

interface TokenUsage {
  requests: number;
  lastUsedAt: string;
}

function readJson<T>(file: string, fallback: T): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw error;
  }
}

/** Written whole to a temporary file and renamed over, so a reader never sees half a file. */
function writeJsonAtomically(file: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

/**
 * The relay's access tokens in the data directory, as SHA-256 hashes only.
 *
 * Two files, each with one writer: `tokens.json` is written only by the `token` command (and by a
 * live relay's first start, before it serves: see local-token.ts), and `token-usage.json` only by
 * the running relay. So a token revoked while the relay runs can never be written back by the relay,
 * and the relay picks up created and revoked tokens without a restart.
 */
export class TokenFiles implements TokenRecords {
  private readonly tokensFile: string;
  private readonly usageFile: string;
  private tokens: StoredToken[] = [];
  private seen = '';
  private usage: Record<string, TokenUsage>;
  private usageWrite: Promise<void> = Promise.resolve();
  private usageDirty = false;
  /** Whether this handle counts uses: then it is the relay, the file's one writer, and its counts are the newest. */
  private counting = false;

  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.tokensFile = join(dir, 'tokens.json');
    this.usageFile = join(dir, 'token-usage.json');
    this.usage = readJson(this.usageFile, {});
  }

  async add(token: StoredToken): Promise<void> {
    const tokens = this.load();
    if (tokens.some((t) => t.name === token.name)) throw tokenNameTaken(token.name);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeJsonAtomically(this.tokensFile, { tokens: [...tokens, token] });
  }

  async remove(name: string): Promise<boolean> {
    const tokens = this.load();
    if (!tokens.some((t) => t.name === name)) return false;
    writeJsonAtomically(this.tokensFile, { tokens: tokens.filter((t) => t.name !== name) });
    return true;
  }

  /** Usage as written, with what this handle counted and has yet to write. */
  async list(): Promise<TokenSummary[]> {
    const usage = { ...readJson<Record<string, TokenUsage>>(this.usageFile, {}), ...(this.counting ? this.usage : {}) };
    return this.load().map((t) => ({ name: t.name, createdAt: t.createdAt, requests: usage[t.sha256]?.requests ?? 0, lastUsedAt: usage[t.sha256]?.lastUsedAt }));
  }

  async hasAny(): Promise<boolean> {
    return this.load().length > 0;
  }

  /** The stored token with this hash, or undefined. Compares every stored hash in constant time. */
  private find(sha256: string): StoredToken | undefined {
    const digest = Buffer.from(sha256, 'hex');
    let match: StoredToken | undefined;
    for (const token of this.load()) {
      const stored = Buffer.from(token.sha256, 'hex');
      if (stored.length === digest.length && timingSafeEqual(digest, stored)) match = token;
    }
    return match;
  }

  async nameOf(sha256: string): Promise<string | undefined> {
    return this.find(sha256)?.name;
  }

  async use(sha256: string): Promise<string | undefined> {
    const match = this.find(sha256);
    if (!match) return undefined;
    this.counting = true;
    const usage = (this.usage[match.sha256] ??= { requests: 0, lastUsedAt: '' });
    usage.requests++;
    usage.lastUsedAt = new Date(this.now()).toISOString();
    this.saveUsage();
    return match.name;
  }

  /** Resolves once the usage counted so far is on disk. */
  async flush(): Promise<void> {
    while (this.usageDirty) await this.usageWrite;
    await this.usageWrite;
  }

  /** Re-reads tokens.json when the `token` command has replaced it since the last look. */
  private load(): StoredToken[] {
    let stamp: string;
    try {
      const stat = statSync(this.tokensFile, { bigint: true });
      stamp = `${stat.ino}:${stat.mtimeNs}:${stat.size}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      stamp = 'missing';
    }
    if (stamp !== this.seen) {
      this.tokens = readJson<{ tokens: StoredToken[] }>(this.tokensFile, { tokens: [] }).tokens;
      this.seen = stamp;
    }
    return this.tokens;
  }

  /** One write at a time; requests that arrive meanwhile are written together by the next one. */
  private saveUsage(): void {
    if (this.usageDirty) return;
    this.usageDirty = true;
    this.usageWrite = this.usageWrite
      .then(async () => {
        this.usageDirty = false;
        const temporary = `${this.usageFile}.${process.pid}.tmp`;
        await writeFile(temporary, `${JSON.stringify(this.usage)}\n`, { mode: 0o600 });
        await rename(temporary, this.usageFile);
      })
      .catch(() => {
        // Usage is a courtesy for `token list`; a full disk must not fail the request it counts.
      });
  }
}
