import type { Database } from './database';

/** What every part of one PostgreSQL store handle shares. */
export interface PostgresContext {
  db: Database;
  /** This handle's instance id: the owner of the jobs it creates and the places it takes. */
  instance: string;
  now: () => number;
  ttlMs: number;
}

/** The store's clock as a timestamp parameter, `offsetMs` from now. */
export function at(context: PostgresContext, offsetMs = 0): Date {
  return new Date(context.now() + offsetMs);
}
