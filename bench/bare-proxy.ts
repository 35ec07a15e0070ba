import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BENCH_API_KEY } from './relay-env';

/**
 * The least any relay can cost: a proxy that checks nothing and forwards an edit's bytes to the
 * provider and its answer back. `pipe` streams both ways as the bytes arrive; `whole` reads each
 * body whole before sending it on, as the relay does. Run as its own process, like the relay:
 * `node --import tsx bench/bare-proxy.ts <provider base URL> pipe|whole`; prints where it listens.
 */
export type BareProxyMode = 'pipe' | 'whole';

const [providerBaseUrl, mode] = process.argv.slice(2) as [string, BareProxyMode];
const provider = new URL(`${providerBaseUrl.replace(/\/+$/, '')}/images/edits`);

async function readWhole(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function forward(req: IncomingMessage, res: ServerResponse): void {
  const headers: Record<string, string> = { 'content-type': req.headers['content-type'] ?? '', authorization: `Bearer ${BENCH_API_KEY}` };
  const answer = (upstream: IncomingMessage) => {
    if (mode === 'pipe') {
      res.writeHead(upstream.statusCode ?? 502, { 'content-type': 'application/json' });
      upstream.pipe(res);
      return;
    }
    void readWhole(upstream).then((body) => res.writeHead(upstream.statusCode ?? 502, { 'content-type': 'application/json', 'content-length': body.length }).end(body));
  };
  if (mode === 'pipe') {
    req.pipe(request(provider, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } }, answer));
    return;
  }
  void readWhole(req).then((body) => request(provider, { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } }, answer).end(body));
}

const server = createServer(forward);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`bare proxy listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`));
