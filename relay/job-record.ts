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
