import type { IncomingMessage } from 'node:http';
import { RelayHttpError } from './errors';

export const DEFAULT_BODY_IDLE_MS = 30_000;

export interface BodyWatch {
  /** Rejects with 408 once no byte of the body has arrived for the idle time. */
  idle: Promise<never>;
  /** The body is read (or refused): stop watching, so a long wait for the provider is not cut. */
  stop(): void;
}

/**
 * Watches a request whose body is being read. An upload that stalls would otherwise hold its
 * client's place among the provider calls for as long as the connection stays open.
 */
export function watchBodyIdle(incoming: IncomingMessage | undefined, idleMs: number): BodyWatch {
  let stop = () => {};
  const idle = new Promise<never>((_resolve, reject) => {
    if (!incoming) return;
    const onIdle = () => {
      stop();
      // Connection: close, so the server ends the socket once the answer is out instead of waiting for the rest of the body.
      reject(
        new RelayHttpError(408, 'upload_stalled', `The upload stalled: nothing arrived for ${Math.round(idleMs / 1000)} s, so the relay stopped waiting. Check the connection and send it again.`, undefined, {
          Connection: 'close',
        }),
      );
    };
    // The socket's idle timer: it counts bytes arriving, and Node hands its timeout to the request first.
    incoming.setTimeout(idleMs, onIdle);
    stop = () => {
      incoming.off('timeout', onIdle);
      incoming.setTimeout(0);
    };
  });
  // Only the race with the body's reading listens to it.
  idle.catch(() => undefined);
  return { idle, stop: () => stop() };
}
