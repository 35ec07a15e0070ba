import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number;
  /** `url` (the target's, e.g. a DATABASE_URL) with the proxy's port: the same server, through the proxy. */
  through(url: string): string;
  /** Drops every connection and refuses new ones, as a database that went down. */
  cut(): Promise<void>;
  /** Accepts connections again, on the same port: the database is back. */
  restore(): Promise<void>;
  /** Passes nothing more either way and closes nothing, as a host that died without a word. */
  freeze(): void;
  /** Passes new connections again; the frozen ones stay silent, as the dead host's do, until `cut` or `close`. */
  thaw(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy on loopback in front of `targetPort`, to take a database away from one client and
 * give it back without stopping the server other test files share.
 */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let frozen = false;
  const server = createServer((incoming) => {
    const outgoing = createConnection({ host: '127.0.0.1', port: targetPort });
    for (const socket of [incoming, outgoing]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    incoming.on('close', () => outgoing.destroy());
    outgoing.on('close', () => incoming.destroy());
    if (frozen) return;
    incoming.pipe(outgoing).pipe(incoming);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  let listening = true;
  const cut = async () => {
    for (const socket of sockets) socket.destroy();
    if (!listening) return;
    listening = false;
    await new Promise((resolve) => server.close(resolve));
  };
  return {
    port,
    freeze() {
      frozen = true;
      for (const socket of sockets) {
        socket.unpipe();
        socket.pause();
      }
    },
    thaw() {
      frozen = false;
    },
    through(url) {
      const proxied = new URL(url);
      proxied.port = String(port);
      return proxied.href;
    },
    cut,
    async restore() {
      if (listening) return;
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
      listening = true;
    },
    close: cut,
  };
}
