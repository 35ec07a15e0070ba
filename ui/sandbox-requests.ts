import type { GenerationRecord, Placement, PluginMessage } from '../shared/protocol';
import { onPluginMessage, postToPlugin, waitForPluginMessage } from './plugin-channel';

export type Reference = Extract<PluginMessage, { type: 'reference' }>;

export class SandboxError extends Error {}

let requestCounter = 0;

/** A request id unique within this panel (crypto.randomUUID needs a secure context the iframe may lack). */
export function newRequestId(): string {
  requestCounter += 1;
  return `${Date.now().toString(36)}-${requestCounter}`;
}

/** Asks the sandbox to export the selection; resolves once every reference (one per message) arrived. */
export function exportReferences(requestId: string): Promise<Reference[]> {
  return new Promise((resolve, reject) => {
    const references: Reference[] = [];
    const stop = onPluginMessage((message) => {
      if (!('requestId' in message) || message.requestId !== requestId) return;
      if (message.type === 'references-failed') {
        stop();
        reject(new SandboxError(message.message));
      } else if (message.type === 'reference') {
        references[message.index] = message;
        if (references.filter(Boolean).length === message.total) {
          stop();
          resolve(references);
        }
      }
    });
    postToPlugin({ type: 'export-references', requestId });
  });
}

/** Hands a generated PNG to the sandbox and resolves with the node it placed. */
export async function placeInFigma(requestId: string, bytes: Uint8Array, generation: GenerationRecord, placement: Placement) {
  const reply = waitForPluginMessage((message) =>
    (message.type === 'result-placed' || message.type === 'result-failed') && message.requestId === requestId ? message : undefined,
  );
  postToPlugin({ type: 'place-result', requestId, bytes, generation, placement });
  const message = await reply;
  if (message.type === 'result-failed') throw new SandboxError(message.message);
  return message;
}
