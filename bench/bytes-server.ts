import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Serves the same bytes from memory to any request, readable from any origin: the floor under the
 * plugin's download of a result, with no relay, disk or job in the way.
 */
export async function serveBytes(bytes: Uint8Array): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_, res) => {
    res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': bytes.length, 'Access-Control-Allow-Origin': '*' }).end(bytes);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/image.png`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
