import type { GenerationRecord, PendingJob, Placement, PlaceOptions, RelayMode } from '../shared/protocol';
import type { JobClient, JobRequest, PollRetry } from './job-client';
import type { ExportRegion } from './region-edit';
import type { RelayConnection } from './relay-client';

export type VariantState =
  | { phase: 'queued' }
  | { phase: 'submitting' }
  /** With `retry` while the relay is unwell: the poll is tried again then. */
  | { phase: 'running'; jobId: string; retry?: PollRetry }
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
  /** Keeps the job in clientStorage; resolves once it is stored, rejects saying what to do when Figma could not store it. */
  recordJob(job: PendingJob): Promise<void>;
  jobStarted(idempotencyKey: string, jobId: string): void;
  jobSettled(idempotencyKey: string): void;
  /** Exports these layers again as references; rejects when one of them is gone. */
  exportLayers(nodeIds: string[]): Promise<{ name: string; bytes: Uint8Array }[]>;
  /** Exports a region edit's layer and shape again; rejects when one of them is gone. */
  exportRegion: ExportRegion;
}

export type VariantJob =
  /** A new image: recorded, then submitted. */
  | { kind: 'new'; request: JobRequest }
  /** Found pending when the plugin opened, with the id the relay gave it: waited for again. */
  | { kind: 'started'; id: string }
  /**
   * Found pending when the plugin opened without an id: the plugin closed during its upload or
   * before the relay's answer. `rebuild` makes its request again, in case the relay never had it.
   */
  | { kind: 'recorded'; rebuild: () => Promise<JobRequest> };

export interface VariantSpec {
  job: VariantJob;
  /** Sent with each submit of this image, so the relay makes it once however often it is asked. */
  idempotencyKey: string;
  generation: GenerationRecord;
  placement: Placement;
  batch?: { id: string; index: number };
  referenceNames: string[];
  /** The relay this image goes to and the token made for it, kept with the job. */
  relay: RelayConnection;
  /** The mode that relay said it runs in, recorded with the history entry to learn expected times from; unknown for a resumed job. */
  relayMode?: RelayMode;
  startedAt: number;
  /** The notification to show when the result lands, decided then (the panel may have been minimised meanwhile). */
  notifyOnPlace: () => string | undefined;
  /** Makes the image to place from the answer: a region edit puts it back into its layer. */
  compose?: (answer: Uint8Array) => Promise<Uint8Array>;
  now?: () => number;
}

export function isSettled(state: VariantState): boolean {
  return state.phase === 'placed' || state.phase === 'failed' || state.phase === 'cancelled';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function pendingJobOf(spec: VariantSpec): PendingJob {
  return {
    idempotencyKey: spec.idempotencyKey,
    relayUrl: spec.relay.relayUrl,
    accessToken: spec.relay.accessToken,
    generation: spec.generation,
    placement: spec.placement,
    referenceNames: spec.referenceNames,
    submittedAt: new Date(spec.startedAt).toISOString(),
  };
}

/**
 * A recorded job that the relay never confirmed. The request body itself is not stored (an edit's
 * references come to 64 MB; clientStorage holds 5 MB for everything), so first the relay is asked
 * by the key: if the upload arrived, it has the job and answers with it, at no cost. If it has none,
 * nothing was made or paid (the relay starts nothing from a cut upload), and the request is rebuilt
 * and submitted with the same key; when it cannot be rebuilt, `rebuild` says so plainly.
 */
async function resubmit(jobs: JobClient, job: Extract<VariantJob, { kind: 'recorded' }>, idempotencyKey: string, signal: AbortSignal): Promise<string> {
  const known = await jobs.find(idempotencyKey, { signal });
  if (known) return known.id;
  return (await jobs.submit(await job.rebuild(), idempotencyKey, signal)).id;
}

/** How long a cancelled upload may take to tell whether the relay started the job anyway. */
const CANCEL_LOOKUP_MS = 10_000;

/**
 * One image from submit to canvas: record the job (so closing the plugin loses nothing, even
 * mid-upload), submit it, wait for it however long it takes, place it. Resolves with the final state.
 */
export async function runVariant(
  jobs: JobClient,
  sandbox: Sandbox,
  spec: VariantSpec,
  signal: AbortSignal,
  update: (state: VariantState) => void,
): Promise<VariantState> {
  const now = spec.now ?? Date.now;
  const { job, idempotencyKey: key } = spec;
  let jobId: string | undefined;
  /** Whether clientStorage holds this job: from then on it is removed once it settles. */
  let recorded = job.kind !== 'new';
  const finish = (state: VariantState) => {
    update(state);
    return state;
  };
  try {
    let id: string;
    if (job.kind === 'started') {
      id = job.id;
    } else {
      update({ phase: 'submitting' });
      if (job.kind === 'new') {
        // Before the upload: the provider may be paid as soon as the body is in, whatever happens to the panel.
        await sandbox.recordJob(pendingJobOf(spec));
        recorded = true;
        id = (await jobs.submit(job.request, key, signal)).id;
      } else {
        id = await resubmit(jobs, job, key, signal);
      }
      sandbox.jobStarted(key, id);
    }
    jobId = id;
    update({ phase: 'running', jobId: id });
    const result = await jobs.wait(id, { signal, onRetry: (retry) => update({ phase: 'running', jobId: id, retry }) });
    update({ phase: 'placing', jobId: id });
    let image = result.bytes;
    try {
      image = spec.compose ? await spec.compose(result.bytes) : result.bytes;
    } catch (error) {
      // The answer is paid for: it stays downloadable, and the job stays recorded to be tried again on the next open.
      const message = `Reimage couldn’t put the edit back into the layer: ${messageOf(error)} Download the edited part from here so it isn’t lost.`;
      return finish({ phase: 'failed', message, unplaced: { bytes: result.bytes, jobId: id } });
    }
    try {
      const placed = await sandbox.place(image, {
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
          ...(spec.relayMode ? { mode: spec.relayMode } : {}),
        },
      });
      return finish({ phase: 'placed', ...placed });
    } catch (error) {
      const unplaced = error instanceof PlacementError ? { bytes: error.bytes, jobId: id } : undefined;
      return finish({ phase: 'failed', message: messageOf(error), unplaced });
    }
  } catch (error) {
    if (signal.aborted) {
      // Cancelled during its upload, the relay may have started the job all the same: ask it by the key.
      const started = jobId ?? (recorded ? (await jobs.find(key, { signal: AbortSignal.timeout(CANCEL_LOOKUP_MS) }).catch(() => undefined))?.id : undefined);
      if (started) await jobs.cancel(started).catch(() => undefined);
      if (recorded) sandbox.jobSettled(key);
      return finish({ phase: 'cancelled' });
    }
    if (recorded) sandbox.jobSettled(key);
    return finish({ phase: 'failed', message: messageOf(error) });
  }
}
