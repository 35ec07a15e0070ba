import type { PluginMessage } from '../../shared/protocol';
import { PlacementError, type Sandbox } from '../../ui/variant-run';
import type { FakeFigma } from '../../emulator/figma/fake-figma';

let counter = 0;

/** The UI's view of the sandbox, delivered to the real sandbox code running on a fake figma. */
export function sandboxOn(figma: FakeFigma): Sandbox {
  return {
    async place(bytes, options) {
      const requestId = `t${++counter}`;
      await figma.sendFromUi({ type: 'place-result', requestId, bytes, ...options });
      const reply = figma.posted.find(
        (m): m is Extract<PluginMessage, { type: 'result-placed' | 'result-failed' }> =>
          (m as { requestId?: string }).requestId === requestId,
      );
      if (!reply) throw new Error('The sandbox did not answer');
      if (reply.type === 'result-failed') throw new PlacementError(reply.message, reply.bytes);
      return { nodeId: reply.nodeId, width: reply.width, height: reply.height };
    },
    jobSubmitted: (job) => void figma.sendFromUi({ type: 'job-submitted', job }),
    jobSettled: (jobId) => void figma.sendFromUi({ type: 'job-settled', jobId }),
  };
}
