import { startPlugin } from '../../plugin/controller';
import type { PluginMessage, UiMessage } from '../../shared/protocol';
import { relayJobClient } from '../../ui/job-client';
import { resumedSpec } from '../../ui/resumed-job';
import { PlacementError, runVariant, type Sandbox, type VariantState } from '../../ui/variant-run';
import type { FakeFigma } from '../../emulator/figma/fake-figma';

let counter = 0;

type Reply<T extends PluginMessage['type']> = Extract<PluginMessage, { type: T }>;

/** Delivers a request to the sandbox and returns what it posted back for it. */
async function ask(figma: FakeFigma, message: UiMessage & { requestId: string }): Promise<PluginMessage[]> {
  await figma.sendFromUi(message);
  return figma.posted.filter((m): m is PluginMessage => (m as { requestId?: string }).requestId === message.requestId);
}

/** The UI's view of the sandbox, delivered to the real sandbox code running on a fake figma. */
export function sandboxOn(figma: FakeFigma): Sandbox {
  return {
    async place(bytes, options) {
      const [reply] = (await ask(figma, { type: 'place-result', requestId: `t${++counter}`, bytes, ...options })) as Reply<'result-placed' | 'result-failed'>[];
      if (!reply) throw new Error('The sandbox did not answer');
      if (reply.type === 'result-failed') throw new PlacementError(reply.message, reply.bytes);
      return { nodeId: reply.nodeId, width: reply.width, height: reply.height };
    },
    async recordJob(job) {
      const [reply] = (await ask(figma, { type: 'record-job', requestId: `t${++counter}`, job })) as Reply<'job-recorded'>[];
      if (!reply) throw new Error('The sandbox did not answer');
      if (reply.problem) throw new Error(reply.problem);
    },
    jobStarted: (idempotencyKey, jobId) => void figma.sendFromUi({ type: 'job-started', idempotencyKey, jobId }),
    jobSettled: (idempotencyKey) => void figma.sendFromUi({ type: 'job-settled', idempotencyKey }),
    async exportLayers(nodeIds) {
      const replies = (await ask(figma, { type: 'export-references', requestId: `t${++counter}`, nodeIds })) as Reply<'reference' | 'references-failed'>[];
      const failed = replies.find((reply) => reply.type === 'references-failed');
      if (failed) throw new Error(failed.message);
      return (replies as Reply<'reference'>[]).sort((a, b) => a.index - b.index).map(({ name, bytes }) => ({ name, bytes }));
    },
    async exportRegion(nodeIds) {
      const replies = (await ask(figma, { type: 'export-region', requestId: `t${++counter}`, nodeIds })) as Reply<'region-part' | 'references-failed'>[];
      const failed = replies.find((reply) => reply.type === 'references-failed');
      if (failed) throw new Error(failed.message);
      const [layer, mask] = replies as Reply<'region-part'>[];
      return { layer: { nodeId: layer.nodeId, name: layer.name, bytes: layer.bytes }, mask: { nodeId: mask.nodeId, name: mask.name, bytes: mask.bytes, offset: mask.offset } };
    },
  };
}

/** Opens the plugin again in this file and resumes every job it hands the panel, as the panel does. */
export async function reopenAndResume(figma: FakeFigma): Promise<{ init: Reply<'init'>; finals: VariantState[] }> {
  figma.closePlugin();
  startPlugin(figma.openPlugin());
  await figma.sendFromUi({ type: 'ready' });
  const init = figma.messagesOfType<Reply<'init'>>('init').at(-1)!;
  const sandbox = sandboxOn(figma);
  const finals = await Promise.all(
    init.pendingJobs.map((job) => {
      const spec = resumedSpec(job, sandbox, () => undefined);
      return runVariant(relayJobClient(spec.relay), sandbox, spec, new AbortController().signal, () => {});
    }),
  );
  return { init, finals };
}
