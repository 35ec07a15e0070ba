import type { Server } from 'node:http';

/**
 * Counts the requests in progress on `server` from now on, and returns how to close it gently:
 * stop listening, let the answers in progress go out (a download, a last long poll) for up to
 * `withinMs`, then close every connection, the idle kept-alive ones included.
 */
export function gentleClose(server: Server): (withinMs: number) => Promise<void> {
  let open = 0;
  let whenNoneOpen: (() => void) | undefined;
  server.on('request', (_request, response) => {
    open++;
    response.once('close', () => {
      if (--open === 0) whenNoneOpen?.();
    });
  });
  return async (withinMs) => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    if (open > 0 && withinMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, withinMs);
        whenNoneOpen = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    server.closeAllConnections();
    await closed;
  };
}
