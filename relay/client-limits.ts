import { RelayHttpError } from './errors';

/** How much one client (one token) may ask of the provider. */
export interface ClientLimits {
  /** Images being made at once, jobs and synchronous calls together. */
  maxConcurrent: number;
  /** Images started in any 60 seconds. */
  maxPerMinute: number;
}

export const DEFAULT_CLIENT_LIMITS: ClientLimits = { maxConcurrent: 4, maxPerMinute: 30 };

/** The places a client holds among the provider calls, when it asks for another. */
export interface PlacesHeld {
  /** Requests admitted and not yet ended: uploading, or waiting for the provider. */
  inFlight: number;
  /** Of those, the ones whose provider call has not started yet (their body is still coming in). */
  starting: number;
}

/**
 * The rules the job manager applies to each client: asked before a request's body is read, and
 * told when a provider call really starts, so that only calls that started count against the
 * minute (not refused, invalid or duplicate requests).
 */
export interface AdmissionRules {
  /** Throws a RelayHttpError (429) to refuse another request from this client. */
  check(client: string, held: PlacesHeld): void;
  /** A provider call for this client started now. */
  started(client: string): void;
}

const WINDOW_MS = 60_000;
/** A job takes a minute or more: the earliest worth trying again when all slots are busy. */
const BUSY_RETRY_SECONDS = 15;

function tooMany(code: string, message: string, retryAfterSeconds: number): RelayHttpError {
  return new RelayHttpError(429, code, message, undefined, { 'Retry-After': String(retryAfterSeconds) });
}

function images(count: number): string {
  return `${count} image${count === 1 ? '' : 's'}`;
}

/**
 * Refuses with 429 and Retry-After a client that has too many images in flight, or that started
 * too many in the last minute. Requests admitted but not started yet count towards the minute
 * too, so a burst cannot slip past the limit while its bodies come in.
 */
export function clientAdmission(limits: ClientLimits, now: () => number = Date.now): AdmissionRules {
  const started = new Map<string, number[]>();
  const recent = (client: string, time: number) => {
    const times = (started.get(client) ?? []).filter((at) => at > time - WINDOW_MS);
    if (times.length > 0) started.set(client, times);
    else started.delete(client);
    return times;
  };
  return {
    check(client, held) {
      if (held.inFlight >= limits.maxConcurrent) {
        throw tooMany(
          'too_many_jobs',
          `You already have ${images(held.inFlight)} being made, the most the relay makes at once for one person. Wait for one to finish, then try again.`,
          BUSY_RETRY_SECONDS,
        );
      }
      const time = now();
      const times = recent(client, time);
      if (times.length + held.starting < limits.maxPerMinute) return;
      // The starting ones may yet turn out invalid and free their place: try again soon then.
      const wait = times.length >= limits.maxPerMinute ? Math.max(1, Math.ceil((times[0] + WINDOW_MS - time) / 1000)) : BUSY_RETRY_SECONDS;
      const message =
        held.starting === 0
          ? `You started ${images(times.length)} in the last minute, the most the relay allows one person. Wait ${wait} s, then try again.`
          : `You started ${images(times.length)} in the last minute and are sending ${held.starting} more; the relay allows one person ${limits.maxPerMinute} a minute. Wait ${wait} s, then try again.`;
      throw tooMany('rate_limited', message, wait);
    },
    started(client) {
      const time = now();
      started.set(client, [...recent(client, time), time]);
    },
  };
}
