import { dispatch, type MessageHandlers, type PluginMessage, type UiMessage } from '../shared/protocol';
import type { FigmaApi } from './figma-api';
import { placeResult } from './place-result';
import { exportReference, exportThumbnail, MAX_REFERENCES, selectionProblem } from './references';
import { loadSettings, saveSettings } from './settings';

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Wires the sandbox to the UI: selection updates, reference export, result placement, settings. */
export function startPlugin(figma: FigmaApi): void {
  const post = (message: PluginMessage) => figma.ui.postMessage(message);
  let selectionVersion = 0;

  async function sendSelection(): Promise<void> {
    const version = ++selectionVersion;
    const nodes = figma.currentPage.selection;
    post({
      type: 'selection',
      items: nodes.map((node) => ({ id: node.id, name: node.name, width: node.width, height: node.height })),
    });
    for (const node of nodes.slice(0, MAX_REFERENCES)) {
      const bytes = await exportThumbnail(node).catch(() => undefined);
      if (version !== selectionVersion) return;
      if (bytes) post({ type: 'thumbnail', nodeId: node.id, bytes });
    }
  }

  const handlers: MessageHandlers<UiMessage> = {
    async ready() {
      post({ type: 'init', settings: await loadSettings(figma) });
      await sendSelection();
    },

    async 'export-references'({ requestId }) {
      const nodes = [...figma.currentPage.selection];
      const problem = selectionProblem(nodes.length);
      if (problem) return post({ type: 'references-failed', requestId, message: problem });
      for (const [index, node] of nodes.entries()) {
        try {
          const bytes = await exportReference(node);
          post({ type: 'reference', requestId, index, total: nodes.length, nodeId: node.id, name: node.name, bytes });
        } catch (error) {
          const message = `Couldn't export “${node.name}”: ${describeError(error)}. Try another layer or hide its effects.`;
          return post({ type: 'references-failed', requestId, message });
        }
      }
    },

    async 'place-result'({ requestId, bytes, generation }) {
      try {
        const node = await placeResult(figma, bytes, generation);
        post({ type: 'result-placed', requestId, nodeId: node.id, width: node.width, height: node.height });
      } catch (error) {
        const message = `Figma couldn't place the image: ${describeError(error)}. Download it from the panel so it isn't lost.`;
        post({ type: 'result-failed', requestId, message });
      }
    },

    async 'save-settings'({ settings }) {
      await saveSettings(figma, settings);
    },
  };

  figma.on('selectionchange', () => void sendSelection());
  figma.ui.onmessage = (message: UiMessage) => dispatch(handlers, message);
}
