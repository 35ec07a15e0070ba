import type { Socket } from 'node:net';
import type { HttpBindings } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';
import type { LogLine } from './app';
import type { RelayEnv } from './client';

function length(header: string | null | undefined): number | undefined {
  return header ? Number(header) : undefined;
}

/** How many bytes each connection had read when its last request was logged. */
const readAtLastLine = new WeakMap<Socket, number>();

/**
 * One JSON line per request, written when its answer has gone out (or the client left): who (the
 * token's name, never the token), what, the status, the bytes in and out (on the wire, headers
 * included, so chunked uploads count too; in is what was read of the request by then), the time taken, and of that the time the provider took on the
 * synchronous path.
 */
export function requestLog(log: (line: LogLine) => void): MiddlewareHandler<RelayEnv> {
  return async (c, next) => {
    const started = performance.now();
    // Bytes out are counted on the socket: a JSON answer has no Content-Length yet.
    const { outgoing } = (c.env ?? {}) as Partial<HttpBindings>;
    const socket = outgoing?.socket;
    const writtenBefore = socket?.bytesWritten ?? 0;
    await next();
    const write = () => {
      const readBefore = socket ? (readAtLastLine.get(socket) ?? 0) : 0;
      if (socket) readAtLastLine.set(socket, socket.bytesRead);
      log({
        time: new Date().toISOString(),
        client: c.get('client'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
        upstreamMs: c.get('upstreamMs'),
        bytesIn: socket ? socket.bytesRead - readBefore : length(c.req.header('content-length')),
        bytesOut: socket ? socket.bytesWritten - writtenBefore : length(c.res.headers.get('content-length')),
      });
    };
    if (outgoing && !outgoing.writableFinished) outgoing.once('close', write);
    else write();
  };
}
