const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;

/** Exponential backoff for the n-th consecutive failed poll (1-based), capped so a job is never given up on. */
export function retryDelayMs(attempt: number, firstDelayMs = FIRST_DELAY_MS): number {
  return Math.min(MAX_DELAY_MS, firstDelayMs * 2 ** Math.max(0, attempt - 1));
}
