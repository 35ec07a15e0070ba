import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';

/**
 * Who is calling. Jobs and idempotency keys belong to a client; the auth middleware names it (the
 * token's name) with `c.set('client', name)`. A relay without tokens serves one anonymous client.
 */
export interface RelayEnv {
  /** The relay runs on @hono/node-server, which hands each route Node's own request and response. */
  Bindings: HttpBindings;
  Variables: {
    client?: string;
    /** How long the provider took, when this request waited for it (for the log line). */
    upstreamMs?: number;
  };
}

export const ANONYMOUS_CLIENT = 'anonymous';

/**
 * Client names the relay gives itself, so no token may take them: a token named "anonymous" would
 * see the jobs made while the relay was open, and read as no token at all in the log.
 */
export const RESERVED_CLIENT_NAMES: readonly string[] = [ANONYMOUS_CLIENT];

export function isReservedClientName(name: string): boolean {
  return RESERVED_CLIENT_NAMES.includes(name.toLowerCase());
}

export function clientOf(c: Context<RelayEnv>): string {
  return c.get('client') ?? ANONYMOUS_CLIENT;
}
