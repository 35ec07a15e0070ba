import type { GenerationRecord, PendingJob, Placement, PlaceOptions } from '../shared/protocol';
import type { JobClient, JobRequest } from './job-client';

export type VariantState =
  | { phase: 'queued' }
  | { phase: 'submitting' }
  | { phase: 'running'; jobId: string; retryMessage?: string }
  | { phase: 'placing'; jobId: string }
  | { phase: 'placed'; nodeId: string; width: number; height: number }
  | { phase: 'failed'; message: string; unplaced?: { bytes: Uint8Array; jobId: string } }
  | { phase: 'cancelled' };

/** Figma could not place the image; the sandbox hands its bytes back so the designer can still have it. */
export class PlacementError extends Error {
  constructor(
    message: string,
    readonly bytes: Uint8Array,
  ) {
    super(message);
  }
}

/** What the flow needs from the sandbox. */
export interface Sandbox {
  /** Places the image and takes its bytes: the caller must not use them again. Rejects with a PlacementError when Figma cannot. */
  place(bytes: Uint8Array, options: PlaceOptions): Promise<{ nodeId: string; width: number; height: number }>;
  jobSubmitted(job: PendingJob): void;
  jobSettled(jobId: string): void;
}

export interface VariantSpec {
  /** A new job to submit, or the id of one submitted earlier (resumed after the plugin reopened). */
  job: { request: JobRequest; idempotencyKey: string } | { resumeId: string };
  generation: GenerationRecord;
  placement: Placement;
  batch?: { id: string; index: number };
  referenceNames: string[];
  relayUrl: string;
  startedAt: number;
  /** The notification to show when the result lands, decided then (the panel may have been minimised meanwhile). */
  notifyOnPlace: () => string | undefined;
  now?: () => number;
}

export function isSettled(state: VariantState): boolean {
  return state.phase === 'placed' || state.phase === 'failed' || state.phase === 'cancelled';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One image from submit to canvas: submit a relay job (remembered by the sandbox so closing the
 * plugin loses nothing), wait for it however long it takes, place it. Resolves with the final state.
 */
export async function runVariant(
  jobs: JobClient,
  sandbox: Sandbox,
  spec: VariantSpec,
  signal: AbortSignal,
  update: (state: VariantState) => void,
): Promise<VariantState> {
  const now = spec.now ?? Date.now;
  let jobId: string | undefined;
  const finish = (state: VariantState) => {
    update(state);
    return state;
  };
  try {
    if ('resumeId' in spec.job) {
      jobId = spec.job.resumeId;
    } else {
      update({ phase: 'submitting' });
      jobId = (await jobs.submit(spec.job.request, spec.job.idempotencyKey, signal)).id;
      sandbox.jobSubmitted({
        jobId,
        relayUrl: spec.relayUrl,
        generation: spec.generation,
        placement: spec.placement,
        referenceNames: spec.referenceNames,
        submittedAt: new Date(spec.startedAt).toISOString(),
      });
    }
    const id = jobId;
    update({ phase: 'running', jobId: id });
    const result = await jobs.wait(id, { signal, onRetry: (retryMessage) => update({ phase: 'running', jobId: id, retryMessage }) });
    update({ phase: 'placing', jobId: id });
    try {
      const placed = await sandbox.place(result.bytes, {
        generation: spec.generation,
        placement: spec.placement,
        jobId: id,
        batch: spec.batch,
        notify: spec.notifyOnPlace(),
        history: {
          prompt: spec.generation.prompt,
          size: spec.generation.size,
          referenceNames: spec.referenceNames,
          durationMs: now() - spec.startedAt,
          jobId: id,
        },
      });
      return finish({ phase: 'placed', ...placed });
    } catch (error) {
      const unplaced = error instanceof PlacementError ? { bytes: error.bytes, jobId: id } : undefined;
      return finish({ phase: 'failed', message: messageOf(error), unplaced });
    }
  } catch (error) {
    if (signal.aborted) {
      if (jobId) {
        await jobs.cancel(jobId).catch(() => undefined);
        sandbox.jobSettled(jobId);
      }
      return finish({ phase: 'cancelled' });
    }
    if (jobId) sandbox.jobSettled(jobId);
    return finish({ phase: 'failed', message: messageOf(error) });
  }
}
