/**
 * A stop signal repeated within this long is the same one: a service manager signals the whole
 * process group (systemd's default), and wrappers such as `npm start`'s forward it as well, so one
 * stop can arrive several times within milliseconds.
 */
export const SAME_SIGNAL_MS = 2000;

/** What a stop signal asks: drain (the first), nothing new (an echo of it), or exit at once (the operator again). */
export type StopRequest = 'drain' | 'echo' | 'now';

/** Tells the stop signals the relay receives apart, by when they come. */
export function stopSignals(now: () => number = Date.now, sameWithinMs = SAME_SIGNAL_MS): () => StopRequest {
  let first: number | undefined;
  return () => {
    const time = now();
    if (first === undefined) {
      first = time;
      return 'drain';
    }
    return time - first < sameWithinMs ? 'echo' : 'now';
  };
}
