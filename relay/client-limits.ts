import { RelayHttpError } from './errors';

/** How much one client (one token) may ask of the provider. */
export interface ClientLimits {
  /** Images being made at once, jobs and synchronous calls together. */
  maxConcurrent: number;
  /** Images started in any 60 seconds. */
  maxPerMinute: number;
}

export const DEFAULT_CLIENT_LIMITS: ClientLimits = { maxConcurrent: 4, maxPerMinute: 30 };

const WINDOW_MS = 60_000;
/** A job takes a minute or more: the earliest worth trying again when all slots are busy. */
const BUSY_RETRY_SECONDS = 15;

function tooMany(code: string, message: string, retryAfterSeconds: number): RelayHttpError {
  return new RelayHttpError(429, code, message, undefined, { 'Retry-After': String(retryAfterSeconds) });
}

/**
 * The admission check the job manager asks before each provider call: refuses with 429 and
 * Retry-After a client that has too many images in flight or started too many in the last minute.
 */
export function clientAdmission(limits: ClientLimits, now: () => number = Date.now): (client: string, inFlight: number) => void {
  const started = new Map<string, number[]>();
  return (client, inFlight) => {
    if (inFlight >= limits.maxConcurrent) {
      throw tooMany(
        'too_many_jobs',
        `You already have ${inFlight} images being made, the most the relay makes at once for one person. Wait for one to finish, then try again.`,
        BUSY_RETRY_SECONDS,
      );
    }
    const time = now();
    const recent = (started.get(client) ?? []).filter((at) => at > time - WINDOW_MS);
    if (recent.length >= limits.maxPerMinute) {
      started.set(client, recent);
      const wait = Math.max(1, Math.ceil((recent[0] + WINDOW_MS - time) / 1000));
      throw tooMany('rate_limited', `You started ${limits.maxPerMinute} images in the last minute, the most the relay allows one person. Wait ${wait} s, then try again.`, wait);
    }
    recent.push(time);
    started.set(client, recent);
  };
}
