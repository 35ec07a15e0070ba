import { RelayHttpError } from './errors';
import { budgetRefusal } from './monthly-budget';

/** How much one client (one token) may ask of the provider. */
export interface ClientLimits {
  /** Images being made at once, jobs and synchronous calls together. */
  maxConcurrent: number;
  /** Images started in any 60 seconds. */
  maxPerMinute: number;
  /** Images made this month (UTC), this client's monthly budget; absent: no cap. */
  monthlyImages?: number;
}

export const DEFAULT_CLIENT_LIMITS: ClientLimits = { maxConcurrent: 4, maxPerMinute: 30 };

/** What a client holds and did when it asks for another place, as the store counts it over all instances. */
export interface PlacesHeld {
  /** Places taken and not yet released: uploading, or waiting for the provider. */
  inFlight: number;
  /** Of those, the ones whose provider call has not started yet (their body is still coming in). */
  starting: number;
  /** When (ms) its provider calls of the last 60 s started, oldest first. */
  startedAt: readonly number[];
  /** Images it made this month, counted when `monthlyImages` is set. */
  madeThisMonth?: number;
}

export const WINDOW_MS = 60_000;
/** A job takes a minute or more: the earliest worth trying again when all slots are busy. */
const BUSY_RETRY_SECONDS = 15;

function tooMany(code: string, message: string, retryAfterSeconds: number): RelayHttpError {
  return new RelayHttpError(429, code, message, undefined, { 'Retry-After': String(retryAfterSeconds) });
}

function images(count: number): string {
  return `${count} image${count === 1 ? '' : 's'}`;
}

/**
 * The one decision, used by every store: the 429 (with Retry-After) refusing another place to a
 * client that has too many images in flight, or that started too many in the last minute; or
 * undefined to let it through. Places taken but not started yet count towards the minute too, so
 * a burst cannot slip past the limit while its bodies come in; only calls that started count
 * afterwards (not refused, invalid or duplicate requests).
 */
export function admissionRefusal(limits: ClientLimits, held: PlacesHeld, now: number): RelayHttpError | undefined {
  if (limits.monthlyImages !== undefined) {
    const overBudget = budgetRefusal(limits.monthlyImages, held.madeThisMonth ?? 0, held.inFlight, now);
    if (overBudget) return overBudget;
  }
  if (held.inFlight >= limits.maxConcurrent) {
    return tooMany(
      'too_many_jobs',
      `You already have ${images(held.inFlight)} being made, the most the relay makes at once for one person. Wait for one to finish, then try again.`,
      BUSY_RETRY_SECONDS,
    );
  }
  const times = held.startedAt.filter((at) => at > now - WINDOW_MS);
  if (times.length + held.starting < limits.maxPerMinute) return undefined;
  // The starting ones may yet turn out invalid and free their place: try again soon then.
  const wait = times.length >= limits.maxPerMinute ? Math.max(1, Math.ceil((times[0] + WINDOW_MS - now) / 1000)) : BUSY_RETRY_SECONDS;
  const message =
    held.starting === 0
      ? `You started ${images(times.length)} in the last minute, the most the relay allows one person. Wait ${wait} s, then try again.`
      : `You started ${images(times.length)} in the last minute and are sending ${held.starting} more; the relay allows one person ${limits.maxPerMinute} a minute. Wait ${wait} s, then try again.`;
  return tooMany('rate_limited', message, wait);
}

