import type { PendingJob } from '../shared/protocol';
import type { StoredValues } from './storage-queue';

const PENDING_KEY = 'pending-jobs';
const PLACED_KEY = 'placed-jobs';
/** How many placed job ids to remember, so a result delivered twice is placed once. */
const PLACED_MEMORY = 100;

function list<T>(stored: unknown): T[] {
  return Array.isArray(stored) ? (stored as T[]) : [];
}

export async function loadPendingJobs(store: StoredValues): Promise<PendingJob[]> {
  return list<PendingJob>(await store.read(PENDING_KEY));
}

export async function addPendingJob(store: StoredValues, job: PendingJob): Promise<void> {
  await store.update(PENDING_KEY, (stored) => [...list<PendingJob>(stored).filter((pending) => pending.jobId !== job.jobId), job]);
}

export async function removePendingJob(store: StoredValues, jobId: string): Promise<void> {
  await store.update(PENDING_KEY, (stored) => list<PendingJob>(stored).filter((job) => job.jobId !== jobId));
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
  await removePendingJob(store, jobId);
}
