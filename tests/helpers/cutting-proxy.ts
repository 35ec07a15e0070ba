import { createServer, request as forward } from 'node:http';
import { listenOnLoopback } from './loopback-server';

export interface CuttingProxy {
  url: string;
  /** Requests the proxy cut because nothing moved for `idleMs`. */
  cuts: number;
  close(): Promise<void>;
}

/**
 * A reverse proxy like the ones teams put in front of a server (nginx's proxy_read_timeout, a load
 * balancer's idle timeout): it forwards every request to `target` and, when no byte has moved either
 * way for `idleMs`, gives up: 504 if the answer has not started, a cut connection if it has.
 */
export async function startCuttingProxy(target: string, idleMs: number): Promise<CuttingProxy> {
  const upstream = new URL(target);
  const state = { cuts: 0 };
  const server = createServer((req, res) => {
    const outgoing = forward({
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstream.host },
    });
    let timer: ReturnType<typeof setTimeout>;
    const idle = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        state.cuts++;
        outgoing.destroy();
        if (res.headersSent) res.destroy();
        else res.writeHead(504, { 'content-type': 'text/html' }).end('<html><body><h1>504 Gateway Time-out</h1></body></html>');
      }, idleMs);
    };
    idle();
    req.on('data', idle);
    outgoing.on('response', (answer) => {
      idle();
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on('data', idle);
      answer.pipe(res);
      answer.on('end', () => clearTimeout(timer));
    });
    outgoing.on('error', () => {
      clearTimeout(timer);
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    res.on('close', () => {
      clearTimeout(timer);
      outgoing.destroy();
    });
    req.pipe(outgoing);
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    get cuts() {
      return state.cuts;
    },
    close,
  };
}
