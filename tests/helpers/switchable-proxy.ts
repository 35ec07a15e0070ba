import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardRequest } from './forward-request';

export interface SwitchableProxy {
  url: string;
  /** Stops listening and drops every connection: the relay looks down (connection refused), while the relay behind goes on. */
  down(): Promise<void>;
  /** Listens again on the same port: the relay is back. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** A reverse proxy to `target` that can be switched off and on, to show a relay that goes away and comes back with its jobs intact. */
export async function startSwitchableProxy(target: string): Promise<SwitchableProxy> {
  const upstream = new URL(target);
  const server = createServer((req, res) => forwardRequest(req, res, upstream));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let listening = true;
  const down = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${port}`,
    down,
    async up() {
      if (listening) return;
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
      listening = true;
    },
    close: down,
  };
}
