/**
 * Closed-loop load: `concurrency` workers each send one request after another until `requests`
 * have been sent, and the time of each is kept in ms. Workers start spread over `spreadMs` so the
 * relay sees a steady stream, as a team's designers would send, rather than waves of 64 at once.
 */
export async function runLoad(options: {
  concurrency: number;
  requests: number;
  spreadMs: number;
  send: () => Promise<void>;
}): Promise<number[]> {
  const durations: number[] = [];
  let started = 0;
  async function worker(index: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, (index * options.spreadMs) / options.concurrency));
    while (started < options.requests) {
      started++;
      const begin = performance.now();
      await options.send();
      durations.push(performance.now() - begin);
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => worker(i)));
  return durations;
}
