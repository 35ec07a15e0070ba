/**
 * Waits before each retry of a failed write: a full or briefly unavailable disk often recovers
 * within a minute (an admin frees space, a network volume reconnects). 1 + 2 + 4 + 8 + 16 + 32 s.
 */
export const WRITE_RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 16_000, 32_000];

/**
 * Runs `write`, and again after each delay while it fails; rejects with the last error once the
 * delays are used up. For writes of something already paid for, which must not be given up at
 * the first failure.
 */
export async function withRetries(
  write: () => Promise<void>,
  delaysMs: readonly number[] = WRITE_RETRY_DELAYS_MS,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= delaysMs.length) throw error;
      await sleep(delaysMs[attempt]);
    }
  }
}
