import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { isReservedClientName } from './client';
import { TokenError } from './errors';
import type { TokenRecords } from './store/store';
import { createToken, NAME_PATTERN, tokenHash } from './tokens';

const FALLBACK_NAME = 'local';

/** This machine's token: who it names, the token itself, and whether it was made just now. */
export interface LocalToken {
  name: string;
  token: string;
  created: boolean;
}

/** The login name of whoever runs the relay; empty when the system has none for them (some containers). */
export function machineUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? '';
  }
}

/** A login name made a token name: accents dropped, other characters dashed, never a name the relay keeps for itself. */
export function localTokenName(username: string): string {
  const cleaned = username
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._@-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 58)
    .replace(/[^A-Za-z0-9]+$/, '');
  const name = cleaned === '' ? FALLBACK_NAME : cleaned;
  return isReservedClientName(name) || !NAME_PATTERN.test(name) ? `${name}-${FALLBACK_NAME}` : name;
}

/** Where the relay keeps this machine's token for the playground. */
export function localTokenPath(dataDir: string): string {
  return join(dataDir, 'local-token');
}

function readSaved(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * This machine's own token. A live relay's first start with no tokens at all makes one for the
 * machine's user (`create`), so that even on loopback nothing reaches the provider without a token.
 * Unlike the tokens an admin hands out, it is kept in the data directory (`local-token`, readable by
 * its owner only) so that every `npm start` can hand it to the playground; once it is revoked the
 * file is forgotten.
 */
export async function localToken(tokens: TokenRecords, dataDir: string, options: { create: boolean; username: string }): Promise<LocalToken | undefined> {
  const file = localTokenPath(dataDir);
  if (options.create && !(await tokens.hasAny())) {
    const name = localTokenName(options.username);
    // Instances on one database started together all see no tokens: one of them makes this user's
    // token and prints it, and the others find the name taken and serve without a local token.
    const token = await createToken(tokens, name).catch(async (error: unknown) => {
      if (error instanceof TokenError && (await tokens.hasAny())) return undefined;
      throw error;
    });
    if (token !== undefined) {
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, `${token}\n`, { mode: 0o600 });
      renameSync(temporary, file);
      return { name, token, created: true };
    }
  }
  const saved = readSaved(file);
  if (saved === undefined) return undefined;
  const name = await tokens.nameOf(tokenHash(saved));
  if (name === undefined) {
    rmSync(file, { force: true });
    return undefined;
  }
  return { name, token: saved, created: false };
}
