import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientAddress } from '../../relay/admin/client-address';
import type { RelayEnv } from '../../relay/client';

/** The address clientAddress gives a request from `peer` with these headers, as @hono/node-server hands it over. */
async function addressOf(peer: string, headers: Record<string, string> = {}): Promise<string> {
  const app = new Hono<RelayEnv>().get('/', (c) => c.text(clientAddress(c)));
  const env = { incoming: { socket: { remoteAddress: peer } } } as unknown as RelayEnv['Bindings'];
  return (await app.request('/', { headers }, env)).text();
}

describe('clientAddress', () => {
  it("is the peer's address when there is no X-Forwarded-For", async () => {
    expect(await addressOf('203.0.113.7')).toBe('203.0.113.7');
  });

  it('is the last X-Forwarded-For entry when the peer is a proxy on this machine, the one it added itself', async () => {
    expect(await addressOf('127.0.0.1', { 'X-Forwarded-For': '10.9.9.9, 198.51.100.4' })).toBe('198.51.100.4');
    expect(await addressOf('::ffff:127.0.0.1', { 'X-Forwarded-For': '198.51.100.4' })).toBe('198.51.100.4');
    expect(await addressOf('::1', { 'X-Forwarded-For': ' 198.51.100.5 ' })).toBe('198.51.100.5');
  });

  it('ignores X-Forwarded-For from any other peer: anyone can send it', async () => {
    expect(await addressOf('203.0.113.7', { 'X-Forwarded-For': '198.51.100.4' })).toBe('203.0.113.7');
    expect(await addressOf('10.0.0.2', { 'X-Forwarded-For': '127.0.0.1' })).toBe('10.0.0.2');
  });

  it('is the peer when the proxy sent an empty last entry', async () => {
    expect(await addressOf('127.0.0.1', { 'X-Forwarded-For': '198.51.100.4, ' })).toBe('127.0.0.1');
  });
});
