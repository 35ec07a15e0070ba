import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { isReservedClientName } from './client';

export const TOKEN_PREFIX = 'rmg_';
const TOKEN_BYTES = 32;
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

interface TokenRecord {
  name: string;
  sha256: string;
  createdAt: string;
}

interface TokenUsage {
  requests: number;
  lastUsedAt: string;
}

/** What `token list` shows: never a token, never a hash. */
export interface TokenSummary {
  name: string;
  createdAt: string;
  requests: number;
  lastUsedAt?: string;
}

/** A token command that cannot be done as asked, with what to do instead. */
export class TokenError extends Error {}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
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
 * The relay's access tokens, kept in the data directory as SHA-256 hashes only.
 *
 * Two files, each with one writer: `tokens.json` is written only by the `token` command (and by a
 * live relay's first start, before it serves: see local-token.ts), and `token-usage.json` only by
 * the running relay. So a token revoked while the relay runs can never be written back by the relay,
 * and the relay picks up created and revoked tokens without a restart.
 */
export class TokenStore {
  private readonly tokensFile: string;
  private readonly usageFile: string;
  private tokens: TokenRecord[] = [];
  private seen = '';
  private usage: Record<string, TokenUsage>;
  private usageWrite: Promise<void> = Promise.resolve();
  private usageDirty = false;

  constructor(
    private readonly dir: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.tokensFile = join(dir, 'tokens.json');
    this.usageFile = join(dir, 'token-usage.json');
    this.usage = readJson(this.usageFile, {});
  }

  /** Makes a token for `name` and returns it: the only time it exists outside the holder's hands. */
  create(name: string): string {
    if (!NAME_PATTERN.test(name)) {
      throw new TokenError(`"${name}" is not a usable token name: use 1 to 64 letters, digits, dots, dashes, underscores or @, starting with a letter or digit.`);
    }
    if (isReservedClientName(name)) {
      throw new TokenError(`"${name}" is a name the relay uses itself. Pick another name for the token.`);
    }
    const tokens = this.load();
    if (tokens.some((t) => t.name === name)) {
      throw new TokenError(`A token named "${name}" already exists. Revoke it first, or pick another name.`);
    }
    const token = TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64url');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeJsonAtomically(this.tokensFile, { tokens: [...tokens, { name, sha256: sha256(token).toString('hex'), createdAt: this.now().toISOString() }] });
    return token;
  }

  revoke(name: string): void {
    const tokens = this.load();
    if (!tokens.some((t) => t.name === name)) {
      throw new TokenError(`There is no token named "${name}". See the names with: npm run relay -- token list`);
    }
    writeJsonAtomically(this.tokensFile, { tokens: tokens.filter((t) => t.name !== name) });
  }

  list(): TokenSummary[] {
    const usage = readJson<Record<string, TokenUsage>>(this.usageFile, {});
    return this.load().map((t) => ({ name: t.name, createdAt: t.createdAt, requests: usage[t.sha256]?.requests ?? 0, lastUsedAt: usage[t.sha256]?.lastUsedAt }));
  }

  hasTokens(): boolean {
    return this.load().length > 0;
  }

  /** The stored token presented, or undefined. Compares every stored hash in constant time. */
  private find(presented: string): TokenRecord | undefined {
    const digest = sha256(presented);
    let match: TokenRecord | undefined;
    for (const token of this.load()) {
      if (timingSafeEqual(digest, Buffer.from(token.sha256, 'hex'))) match = token;
    }
    return match;
  }

  /** The name of a token, or undefined when it is not (or no longer) valid; not counted as a use. */
  nameOf(presented: string): string | undefined {
    return this.find(presented)?.name;
  }

  /** The name of the token a request presented, or undefined; counted as a use. */
  verify(presented: string): string | undefined {
    const match = this.find(presented);
    if (!match) return undefined;
    const usage = (this.usage[match.sha256] ??= { requests: 0, lastUsedAt: '' });
    usage.requests++;
    usage.lastUsedAt = this.now().toISOString();
    this.saveUsage();
    return match.name;
  }

  /** Resolves once the usage counted so far is on disk. */
  async flush(): Promise<void> {
    while (this.usageDirty) await this.usageWrite;
    await this.usageWrite;
  }

  /** Re-reads tokens.json when the `token` command has replaced it since the last look. */
  private load(): TokenRecord[] {
    let stamp: string;
    try {
      const stat = statSync(this.tokensFile, { bigint: true });
      stamp = `${stat.ino}:${stat.mtimeNs}:${stat.size}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      stamp = 'missing';
    }
    if (stamp !== this.seen) {
      this.tokens = readJson<{ tokens: TokenRecord[] }>(this.tokensFile, { tokens: [] }).tokens;
      this.seen = stamp;
    }
    return this.tokens;
  }

  /** One write at a time; requests that arrive meanwhile are written together by the next one. */
  private saveUsage(): void {
    if (this.usageDirty) return;
    this.usageDirty = true;
    this.usageWrite = this.usageWrite.then(async () => {
      this.usageDirty = false;
      const temporary = `${this.usageFile}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(this.usage)}\n`, { mode: 0o600 });
      await rename(temporary, this.usageFile);
    }).catch(() => {
      // Usage is a courtesy for `token list`; a full disk must not fail the request it counts.
    });
  }
}
