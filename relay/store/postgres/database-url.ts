import { databaseUrlInvalid } from '../../errors';

/** DATABASE_URL's parts the relay's messages name: never its password. */
export interface DatabaseAddress {
  url: string;
  /** user@host:port/database */
  where: string;
  user: string;
  database: string;
}

/** Checks DATABASE_URL's form before any connection, so a typo is said as such, not as a network error. */
export function databaseAddress(url: string): DatabaseAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw databaseUrlInvalid('it is not a URL');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw databaseUrlInvalid(`it starts with "${parsed.protocol}//", not postgres://`);
  if (parsed.hostname === '') throw databaseUrlInvalid('it names no host');
  const user = decodeURIComponent(parsed.username) || 'postgres';
  const database = decodeURIComponent(parsed.pathname.slice(1)) || user;
  return { url, where: `${user}@${parsed.hostname}:${parsed.port || 5432}/${database}`, user, database };
}
