const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;
/**
 * While the relay cannot be reached at all, a try costs it nothing (no connection is made), and the
 * designer wants its return noticed at once: within 5 s, however long it was away.
 */
export const MAX_UNREACHABLE_DELAY_MS = 4000;

/**
 * Exponential backoff for the n-th consecutive failed poll (1-based), capped so a job is never given
 * up on; capped lower while the relay is unreachable, rather than answering with an error.
 */
export function retryDelayMs(attempt: number, firstDelayMs = FIRST_DELAY_MS, unreachable = false): number {
  return Math.min(unreachable ? MAX_UNREACHABLE_DELAY_MS : MAX_DELAY_MS, firstDelayMs * 2 ** Math.max(0, attempt - 1));
}
