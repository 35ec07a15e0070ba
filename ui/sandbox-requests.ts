import type { PendingJob, PlaceOptions, PluginMessage, UiMessage } from '../shared/protocol';
import type { ReferenceLimits } from '../shared/request-limits';
import { onPluginMessage, postToPlugin, waitForPluginMessage } from './plugin-channel';
import type { ExportRegion, RegionParts } from './region-edit';
import { PlacementError, type Sandbox } from './variant-run';

export type Reference = Extract<PluginMessage, { type: 'reference' }>;

export class SandboxError extends Error {}

let requestCounter = 0;

/** An id unique within this panel (crypto.randomUUID needs a secure context the iframe may lack). */
export function newRequestId(): string {
  requestCounter += 1;
  return `${Date.now().toString(36)}-${requestCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Sends an export request and gathers its replies, one image per message: `gather` takes each and
 * returns the result once it has them all; a references-failed reply rejects with its words.
 */
function exportRequest<T>(message: Extract<UiMessage, { type: 'export-references' | 'export-region' }>, gather: (reply: PluginMessage) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const stop = onPluginMessage((reply) => {
      if (!('requestId' in reply) || reply.requestId !== message.requestId) return;
      if (reply.type === 'references-failed') {
        stop();
        return reject(new SandboxError(reply.message));
      }
      const result = gather(reply);
      if (result === undefined) return;
      stop();
      resolve(result);
    });
    postToPlugin(message);
  });
}

/**
 * Asks the sandbox to export the selection, or these layers; resolves once every reference (one per
 * message) arrived. With the relay's limits, the sandbox stops at the first layer that shows the
 * selection is too large.
 */
export function exportReferences({ limits, nodeIds }: { limits?: ReferenceLimits; nodeIds?: string[] } = {}): Promise<Reference[]> {
  const references: Reference[] = [];
  return exportRequest({ type: 'export-references', requestId: newRequestId(), limits, nodeIds }, (reply) => {
    if (reply.type !== 'reference') return undefined;
    references[reply.index] = reply;
    return references.filter(Boolean).length === reply.total ? references : undefined;
  });
}

/** Asks the sandbox for the selection's region edit, or these layers' (a job's): its layer and its shape, one per message. */
export const exportRegion: ExportRegion = (nodeIds) => {
  const parts: Partial<RegionParts> = {};
  return exportRequest({ type: 'export-region', requestId: newRequestId(), nodeIds }, (reply) => {
    if (reply.type !== 'region-part') return undefined;
    const { nodeId, name, bytes, offset } = reply;
    if (reply.part === 'layer') parts.layer = { nodeId, name, bytes };
    else parts.mask = { nodeId, name, bytes, offset };
    return parts.layer && parts.mask ? (parts as RegionParts) : undefined;
  });
};

/**
 * Hands a generated PNG to the sandbox and resolves with the node it placed. The bytes move rather
 * than being copied: a copy of a 24 MB result between the frames costs hundreds of milliseconds.
 */
async function placeInFigma(bytes: Uint8Array, options: PlaceOptions) {
  const requestId = newRequestId();
  const reply = waitForPluginMessage((message) =>
    (message.type === 'result-placed' || message.type === 'result-failed') && message.requestId === requestId ? message : undefined,
  );
  postToPlugin({ type: 'place-result', requestId, bytes, ...options }, [bytes.buffer]);
  const message = await reply;
  if (message.type === 'result-failed') throw new PlacementError(message.message, message.bytes);
  return { nodeId: message.nodeId, width: message.width, height: message.height };
}

/** Resolves once the sandbox has the job in clientStorage. */
async function recordJob(job: PendingJob): Promise<void> {
  const requestId = newRequestId();
  const reply = waitForPluginMessage((message) => (message.type === 'job-recorded' && message.requestId === requestId ? message : undefined));
  postToPlugin({ type: 'record-job', requestId, job });
  const { problem } = await reply;
  if (problem) throw new SandboxError(problem);
}

export const figmaSandbox: Sandbox = {
  place: placeInFigma,
  recordJob,
  jobStarted: (idempotencyKey, jobId) => postToPlugin({ type: 'job-started', idempotencyKey, jobId }),
  jobSettled: (idempotencyKey) => postToPlugin({ type: 'job-settled', idempotencyKey }),
  exportLayers: (nodeIds) => exportReferences({ nodeIds }),
  exportRegion,
};
