import type { ImageRequest } from './image-request';
import type { JobStatus } from './job-record';
import type { UsageOutcome, UsageRecord } from './store/usage';

/** What the job manager knows of a provider call when it ends; the ledger adds who and when. */
export type CallUsage = Omit<UsageRecord, 'at' | 'client'>;

export function callUsage(request: ImageRequest, outcome: UsageOutcome, providerMs: number, bytesOut: number): CallUsage {
  const references = request.kind === 'edit' ? request.images : [];
  return {
    kind: request.kind,
    size: request.size,
    references: references.length,
    outcome,
    providerMs,
    bytesIn: references.reduce((sum, image) => sum + image.length, 0),
    bytesOut: outcome === 'succeeded' ? bytesOut : 0,
  };
}

/** A job's call ended as its job did; one that is neither succeeded nor cancelled made no image (it failed, or the relay stopped under it). */
export function jobUsageOutcome(status: JobStatus): UsageOutcome {
  return status === 'succeeded' || status === 'cancelled' ? status : 'failed';
}
