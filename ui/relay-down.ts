import type { QueueState } from './generation-queue';

/** The relay cannot be reached: said once, at the top of the panel, with when the next try starts. */
export interface RelayOutage {
  relayUrl: string;
  retryAt: number;
}

/** While the health check finds the relay unreachable, it asks again this often, so its return is noticed within 5 s. */
export const HEALTH_PROBE_MS = 4000;

/**
 * The outage to show: from the health check, or from rows whose polls cannot reach their relay,
 * whichever tries again first (that try is the one that will notice the relay is back).
 */
export function relayOutage(queue: QueueState, health?: RelayOutage): RelayOutage | undefined {
  const fromRows = queue.rows.flatMap((row) =>
    row.state.phase === 'running' && row.state.retry?.unreachable ? [{ relayUrl: row.spec.relay.relayUrl, retryAt: row.state.retry.retryAt }] : [],
  );
  return [...fromRows, ...(health ? [health] : [])].sort((a, b) => a.retryAt - b.retryAt)[0];
}

/** Whole seconds until the next try, counting down to 0 ("trying now"). */
export function secondsUntil(retryAt: number, now: number): number {
  return Math.max(0, Math.ceil((retryAt - now) / 1000));
}

/** The banner's sentence. */
export function outageText(outage: RelayOutage, now: number): string {
  const seconds = secondsUntil(outage.retryAt, now);
  return `Can't reach the relay at ${outage.relayUrl}: ${seconds > 0 ? `trying again in ${seconds} s` : 'trying again now'}.`;
}
