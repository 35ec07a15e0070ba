import type { ImageKind } from './image-request';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A job as the relay keeps it, in memory and on disk. */
export interface JobRecord {
  id: string;
  /** Who submitted it: only they can see it. */
  client: string;
  kind: ImageKind;
  status: JobStatus;
  createdAt: string;
  finishedAt?: string;
  idempotencyKey?: string;
  error?: { message: string; type: string; code: string };
  image?: { width: number; height: number; bytes: number };
}

export function isFinished(record: JobRecord): boolean {
  return record.status === 'succeeded' || record.status === 'failed' || record.status === 'cancelled';
}

/** A finished job is kept `ttlMs`; from then on it is as good as deleted. Unfinished jobs never expire. */
export function isExpired(record: JobRecord, ttlMs: number, now: number): boolean {
  return record.finishedAt !== undefined && Date.parse(record.finishedAt) + ttlMs <= now;
}
