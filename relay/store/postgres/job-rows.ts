import type { ImageKind } from '../../image-request';
import type { JobRecord, JobStatus } from '../../job-record';

/** A row of the jobs table as pg returns it. */
export interface JobRow {
  id: string;
  client: string;
  kind: string;
  status: string;
  created_at: Date;
  finished_at: Date | null;
  idempotency_key: string | null;
  error: JobRecord['error'] | null;
  image: JobRecord['image'] | null;
}

export const JOB_COLUMNS = 'id, client, kind, status, created_at, finished_at, idempotency_key, error, image';

export function jobRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    client: row.client,
    kind: row.kind as ImageKind,
    status: row.status as JobStatus,
    createdAt: row.created_at.toISOString(),
    ...(row.finished_at ? { finishedAt: row.finished_at.toISOString() } : {}),
    ...(row.idempotency_key !== null ? { idempotencyKey: row.idempotency_key } : {}),
    ...(row.error ? { error: row.error } : {}),
    ...(row.image ? { image: row.image } : {}),
  };
}
