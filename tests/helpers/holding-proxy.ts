import { createServer, request as forward } from 'node:http';
import { listenOnLoopback } from './loopback-server';

export interface HoldingProxy {
  url: string;
  /** Submits whose answer the proxy held back. */
  held: number;
  close(): Promise<void>;
}

/**
 * A proxy in front of the relay that passes everything through, except that the answers to the
 * first `hold` image submits never come back: the relay has the upload, the client never hears.
 */
export async function startHoldingProxy(target: string, hold = 1): Promise<HoldingProxy> {
  const upstream = new URL(target);
  const state = { held: 0 };
  const server = createServer((req, res) => {
    const holding = req.method === 'POST' && req.url?.startsWith('/v1/images/') === true && state.held < hold;
    if (holding) state.held++;
    const outgoing = forward({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } });
    outgoing.on('response', (answer) => {
      if (holding) return answer.resume();
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    outgoing.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(outgoing);
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    get held() {
      return state.held;
    },
    close,
  };
}
