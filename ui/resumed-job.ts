import type { PendingJob } from '../shared/protocol';
import { type JobRequest, jobRequestFor } from './job-client';
import { composerFromFile, rebuiltRegionRequest } from './region-edit';
import type { Sandbox, VariantSpec } from './variant-run';

/**
 * How to finish a job found pending when the plugin opened: at the relay it was sent to, with the
 * token made for that relay. Never with the relay or token in Settings now: the designer may have
 * switched relays since, and a token must not reach a relay it was not made for.
 */
export function resumedSpec(job: PendingJob, sandbox: Sandbox, notifyOnPlace: () => string | undefined): VariantSpec {
  return {
    job: job.jobId ? { kind: 'started', id: job.jobId } : { kind: 'recorded', rebuild: () => rebuildRequest(job, sandbox) },
    idempotencyKey: job.idempotencyKey,
    generation: job.generation,
    placement: job.placement,
    referenceNames: job.referenceNames,
    relay: { relayUrl: job.relayUrl, accessToken: job.accessToken },
    startedAt: Date.parse(job.submittedAt) || Date.now(),
    notifyOnPlace,
    ...(job.generation.region ? { compose: composerFromFile(job.generation.region, sandbox.exportRegion) } : {}),
  };
}

/**
 * The request of a job the relay never received, made again: a text-to-image one from its prompt,
 * an edit by exporting its layers again (a region edit its layer, cropped as before). This file is the one it was started in, so its layer ids
 * are its layers; when one is gone, the edit cannot be rebuilt and the designer is told so.
 */
async function rebuildRequest(job: PendingJob, sandbox: Sandbox): Promise<JobRequest> {
  const { generation } = job;
  if (generation.sourceNodeIds.length === 0) return jobRequestFor(generation, []);
  const { region } = generation;
  const rebuilt = region ? rebuiltRegionRequest({ ...generation, region }, sandbox.exportRegion) : sandbox.exportLayers(generation.sourceNodeIds).then((references) => jobRequestFor(generation, references));
  return rebuilt.catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`This image was never started: Reimage closed while sending it. ${reason} Select the layers and generate again.`);
  });
}
