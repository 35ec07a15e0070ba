import type { PendingJob, Settings } from '../shared/protocol';
import type { StoredValues } from './storage-queue';

const PENDING_KEY = 'pending-jobs';
const PLACED_KEY = 'placed-jobs';
/** How many placed job ids to remember, so a result delivered twice is placed once. */
const PLACED_MEMORY = 100;

function list<T>(stored: unknown): T[] {
  return Array.isArray(stored) ? (stored as T[]) : [];
}

/** The scheme and host of a URL, without the URL API (the sandbox has none). */
function originOf(url: string): string | undefined {
  return /^[a-z][a-z\d+.-]*:\/\/[^/?#]+/i.exec(url.trim())?.[0].toLowerCase();
}

/**
 * An earlier version stored a job only once the relay had answered, with its id and without a key
 * or a token: it was polled with the token in Settings. That token stays its token only while
 * Settings still point at the job's relay; otherwise it is polled without one.
 */
function upgraded(job: PendingJob, settings: Settings): PendingJob {
  if (typeof job.idempotencyKey === 'string' && typeof job.accessToken === 'string') return job;
  const sameRelay = originOf(job.relayUrl) !== undefined && originOf(job.relayUrl) === originOf(settings.relayUrl);
  return { ...job, idempotencyKey: job.jobId ?? '', accessToken: sameRelay ? settings.accessToken : '' };
}

export async function loadPendingJobs(store: StoredValues, settings: Settings): Promise<PendingJob[]> {
  return list<PendingJob>(await store.read(PENDING_KEY))
    .map((job) => upgraded(job, settings))
    .filter((job) => job.idempotencyKey !== '');
}

function updatePending(store: StoredValues, change: (jobs: PendingJob[]) => PendingJob[]): Promise<unknown> {
  return store.update(PENDING_KEY, (stored) => change(list<PendingJob>(stored)));
}

/** Keeps a job before anything is sent for it (replacing one with the same key). */
export function recordPendingJob(store: StoredValues, job: PendingJob): Promise<unknown> {
  return updatePending(store, (jobs) => [...jobs.filter((pending) => pending.idempotencyKey !== job.idempotencyKey), job]);
}

/** Adds the relay's id to a recorded job, once the relay has answered its submit. */
export function confirmPendingJob(store: StoredValues, idempotencyKey: string, jobId: string): Promise<unknown> {
  return updatePending(store, (jobs) => jobs.map((job) => (job.idempotencyKey === idempotencyKey ? { ...job, jobId } : job)));
}

export function removePendingJob(store: StoredValues, idempotencyKey: string): Promise<unknown> {
  return updatePending(store, (jobs) => jobs.filter((job) => job.idempotencyKey !== idempotencyKey));
}

/** Stops resuming the job whose image was placed. */
export function removePlacedJob(store: StoredValues, jobId: string): Promise<unknown> {
  return updatePending(store, (jobs) => jobs.filter((job) => job.jobId !== jobId));
}

/**
 * The node a job's image was already placed as, if it was. The placed memory is written before the
 * pending entry is removed, so a plugin closed between the two leaves a job that is both.
 */
export async function placedNodeId(store: StoredValues, jobId: string): Promise<string | undefined> {
  return list<[string, string]>(await store.read(PLACED_KEY)).find(([id]) => id === jobId)?.[1];
}

export async function markJobPlaced(store: StoredValues, jobId: string, nodeId: string): Promise<void> {
  await store.update(PLACED_KEY, (stored) => [[jobId, nodeId], ...list<[string, string]>(stored).filter(([id]) => id !== jobId)].slice(0, PLACED_MEMORY));
  await removePlacedJob(store, jobId);
}
