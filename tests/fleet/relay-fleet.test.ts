import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../helpers/postgres-database';
import { FLEET_POLL, startRelayFleet } from '../helpers/relay-fleet';

/** Listens on `port` (0: any) on loopback and stops again: resolves the port, rejects when it is taken. */
async function listenOnce(port = 0): Promise<number> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error as Error))]);
  const { port: bound } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return bound;
}

/** Servers listening in this process (the fake provider is one), a closed one gone a moment after its close. */
const listeningHere = () => process.getActiveResourcesInfo().filter((name) => name === 'TCPServerWrap').length;

describe('a relay fleet that cannot start', () => {
  it('stops the instances that started and its provider, and says why it failed', { timeout: 60_000 }, async () => {
    const databaseUrl = await freshDatabase();
    const port = await listenOnce();
    // Every instance is told the same port: one listens there, the others cannot.
    await expect(startRelayFleet({ databaseUrl, env: { PORT: String(port) } })).rejects.toThrow(/EADDRINUSE/);
    await expect.poll(listeningHere, FLEET_POLL).toBe(0);
    // The one that started has stopped: its port is free.
    expect(await listenOnce(port)).toBe(port);
  });
});
