import type { PendingJob } from '../../shared/protocol';

/** A job as the sandbox keeps it in clientStorage to resume it (plugin/pending-jobs.ts). */
export type StoredPendingJob = PendingJob & { fileId: string };

/** The jobs still to resume in clientStorage, or undefined when the plugin never stored its jobs. */
export function storedPendingJobs(storage: Map<string, unknown>): StoredPendingJob[] | undefined {
  return (storage.get('jobs') as { pending: StoredPendingJob[] } | undefined)?.pending;
}
