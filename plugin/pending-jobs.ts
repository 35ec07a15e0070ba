import type { PendingJob } from '../shared/protocol';
import type { FigmaApi } from './figma-api';

const PENDING_KEY = 'pending-jobs';
const PLACED_KEY = 'placed-jobs';
/** How many placed job ids to remember, so a result delivered twice is placed once. */
const PLACED_MEMORY = 100;

async function list<T>(figma: FigmaApi, key: string): Promise<T[]> {
  const stored: unknown = await figma.clientStorage.getAsync(key);
  return Array.isArray(stored) ? (stored as T[]) : [];
}

export function loadPendingJobs(figma: FigmaApi): Promise<PendingJob[]> {
  return list<PendingJob>(figma, PENDING_KEY);
}

export async function addPendingJob(figma: FigmaApi, job: PendingJob): Promise<void> {
  const jobs = (await loadPendingJobs(figma)).filter((pending) => pending.jobId !== job.jobId);
  await figma.clientStorage.setAsync(PENDING_KEY, [...jobs, job]);
}

export async function removePendingJob(figma: FigmaApi, jobId: string): Promise<void> {
  const jobs = await loadPendingJobs(figma);
  await figma.clientStorage.setAsync(PENDING_KEY, jobs.filter((job) => job.jobId !== jobId));
}

/** The node a job's image was already placed as, if it was. */
export async function placedNodeId(figma: FigmaApi, jobId: string): Promise<string | undefined> {
  return (await list<[string, string]>(figma, PLACED_KEY)).find(([id]) => id === jobId)?.[1];
}

export async function markJobPlaced(figma: FigmaApi, jobId: string, nodeId: string): Promise<void> {
  const placed = (await list<[string, string]>(figma, PLACED_KEY)).filter(([id]) => id !== jobId);
  await figma.clientStorage.setAsync(PLACED_KEY, [[jobId, nodeId], ...placed].slice(0, PLACED_MEMORY));
  await removePendingJob(figma, jobId);
}
