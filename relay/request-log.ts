import type { Socket } from 'node:net';
import type { HttpBindings } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';
import type { LogLine } from './app';
import type { RelayEnv } from './client';

/** The status logged for a request whose client left before any answer could be sent (nginx's convention). */
export const CLIENT_LEFT_STATUS = 499;

function length(header: string | null | undefined): number | undefined {
  return header ? Number(header) : undefined;
}

/** How many bytes each connection had read when its last request was logged. */
const readAtLastLine = new WeakMap<Socket, number>();

/**
 * One JSON line per request, written once its handling has ended and its connection is done with
 * it (the answer has gone out, or the client left): who (the token's name, never the token), what,
 * the status sent (499 when the client left before any could be), the bytes in and out (on the
 * wire, headers included, so chunked uploads count too; in is what was read of the request by
 * then), the time taken, and of that the time the provider took on the synchronous path.
 *
 * The status is read from the response Node wrote, not from Hono's: an answer may be written
 * straight onto the connection (a timeout, say), and one made after the client left was never sent.
 */
export function requestLog(log: (line: LogLine) => void): MiddlewareHandler<RelayEnv> {
  return async (c, next) => {
    const started = performance.now();
    // Bytes out are counted on the socket: a JSON answer has no Content-Length yet.
    const { outgoing } = (c.env ?? {}) as Partial<HttpBindings>;
    const socket = outgoing?.socket;
    const writtenBefore = socket?.bytesWritten ?? 0;
    let handled = false;
    let sentStatus: number | undefined;
    // Listened for before anything else, so a client that leaves mid-upload or mid-wait is seen.
    outgoing?.once('close', () => {
      sentStatus = outgoing.headersSent ? outgoing.statusCode : CLIENT_LEFT_STATUS;
      if (handled) write();
    });
    const write = () => {
      const readBefore = socket ? (readAtLastLine.get(socket) ?? 0) : 0;
      if (socket) readAtLastLine.set(socket, socket.bytesRead);
      log({
        time: new Date().toISOString(),
        client: c.get('client'),
        method: c.req.method,
        path: c.req.path,
        status: sentStatus ?? c.res.status,
        ms: Math.round(performance.now() - started),
        upstreamMs: c.get('upstreamMs'),
        bytesIn: socket ? socket.bytesRead - readBefore : length(c.req.header('content-length')),
        bytesOut: socket ? socket.bytesWritten - writtenBefore : length(c.res.headers.get('content-length')),
      });
    };
    try {
      await next();
    } finally {
      handled = true;
      if (!outgoing || sentStatus !== undefined) write();
    }
  };
}
