import type { EventSubject } from '../store';

/** The one channel every instance listens on; a notification's payload names its subject. */
export const EVENTS_CHANNEL = 'reimage_events';

/**
 * NOTIFY from within the statement that made a change (so it goes out exactly when that commits),
 * for the rows it returned: a job's (column `id`), or a key's (columns `client`, `idempotency_key`).
 * The payload is the subject as JSON, well under PostgreSQL's 8000 bytes (ids, names and keys are short).
 */
export const NOTIFY_JOB = `pg_notify('${EVENTS_CHANNEL}', jsonb_build_object('job', id)::text)`;
export const NOTIFY_KEY = `pg_notify('${EVENTS_CHANNEL}', jsonb_build_object('client', client, 'idempotencyKey', idempotency_key)::text)`;

/** The subject a payload names, or undefined for one this relay did not send. */
export function payloadSubject(payload: string | undefined): EventSubject | undefined {
  try {
    const value = JSON.parse(payload ?? '') as Record<string, unknown>;
    if (typeof value.job === 'string') return { job: value.job };
    if (typeof value.client === 'string' && typeof value.idempotencyKey === 'string') return { client: value.client, idempotencyKey: value.idempotencyKey };
  } catch {
    // Not ours: ignored.
  }
  return undefined;
}
