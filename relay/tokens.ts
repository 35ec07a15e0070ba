import { createHash, randomBytes } from 'node:crypto';
import { isReservedClientName } from './client';
import { noSuchToken, tokenNameReserved, tokenNameUnusable } from './errors';
import type { TokenRecords } from './store/store';

export const TOKEN_PREFIX = 'rmg_';
const TOKEN_BYTES = 32;
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** What the store keeps of a token and looks it up by: its SHA-256, never the token. */
export function tokenHash(presented: string): string {
  return createHash('sha256').update(presented, 'utf8').digest('hex');
}

/** Makes a token for `name` and returns it: the only time it exists outside the holder's hands. */
export async function createToken(tokens: TokenRecords, name: string, now: () => number = Date.now): Promise<string> {
  if (!NAME_PATTERN.test(name)) throw tokenNameUnusable(name);
  if (isReservedClientName(name)) throw tokenNameReserved(name);
  const token = TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64url');
  await tokens.add({ name, sha256: tokenHash(token), createdAt: new Date(now()).toISOString() });
  return token;
}

export async function revokeToken(tokens: TokenRecords, name: string): Promise<void> {
  if (!(await tokens.remove(name))) throw noSuchToken(name);
}
