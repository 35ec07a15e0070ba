import type { Context } from 'hono';
import type { RelayEnv } from '../client';
import { isLoopback } from '../config';

/**
 * The address a sign-in came from, for counting wrong tries. Behind a proxy on this machine (the
 * README's nginx), the peer is always loopback, so the address is the last X-Forwarded-For entry:
 * the one that proxy added itself, which a client cannot forge (it can only put entries before
 * it). From any other peer the header is ignored: anyone could send it.
 */
export function clientAddress(c: Context<RelayEnv>): string {
  const peer = c.env?.incoming?.socket.remoteAddress ?? 'unknown';
  const forwarded = c.req.header('x-forwarded-for');
  if (!forwarded || !isLoopback(peer.replace(/^::ffff:/, ''))) return peer;
  return forwarded.split(',').at(-1)!.trim() || peer;
}
