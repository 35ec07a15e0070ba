import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createRelayApp, type RelayOptions } from '../../relay/app';

export interface RunningRelay {
  url: string;
  logs: string[];
  close(): Promise<void>;
}

/** The relay app served over real HTTP on a free loopback port, its log lines captured. */
export async function startRelay(options: Omit<RelayOptions, 'log' | 'version' | 'mode'> & Partial<RelayOptions>): Promise<RunningRelay> {
  const logs: string[] = [];
  const app = createRelayApp({ mode: 'live', version: 'test', log: (line) => logs.push(JSON.stringify(line)), ...options });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }) as Server;
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    logs,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
