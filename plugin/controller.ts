import { fitNotification } from '../shared/notification-text';
import { dispatch, type GenerationRecord, type Launch, type MessageHandlers, type PluginMessage, type Settings, type UiMessage } from '../shared/protocol';
import type { FigmaApi } from './figma-api';
import { GENERATION_DATA_KEY, parseGenerationRecord } from './generation-record';
import { addHistoryEntry, loadHistory } from './history';
import { launchFor } from './launch';
import { fileIdOf } from './file-id';
import { confirmPendingJob, markJobPlaced, openPendingJobs, placedNodeId, recordPendingJob, removePendingJob } from './pending-jobs';
import { pageOf, quotedPageName } from './pages';
import { arrangeBatch, placeResult, type RowSlot } from './place-result';
import { exportReference, exportThumbnail, MAX_REFERENCES, referencePixels, referenceSizeProblem, selectionProblem } from './references';
import { exportRegion } from './region-export';
import { findRegion, regionSelection } from './region-selection';
import { deletePrompt, loadSavedPrompts, savePrompt } from './saved-prompts';
import { createRevealer } from './reveal-result';
import { DEFAULT_SETTINGS, loadSettings, saveSettings } from './settings';
import { storedValues } from './storage-queue';

export const PANEL_WIDTH = 360;
const MIN_PANEL_HEIGHT = 240;
/**
 * The plugin window floats over Figma's canvas, which a 13-inch laptop leaves about 780 px tall: a
 * taller panel would run off screen, so a longer one scrolls inside this height instead (and the UI
 * scrolls a new run's rows into view).
 */
const MAX_PANEL_HEIGHT = 640;
/** An error notification says what to do, so it stays longer than Figma's 3-second default. */
const ERROR_NOTIFICATION_MS = 10_000;

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function newId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A batch's variant goes into its slot of the row its whole batch needs; that row may cover the batch's new layers already placed. */
function rowSlot(generation: GenerationRecord, index: number, placed: Iterable<{ nodeId: string; replaced: boolean }> = []): RowSlot {
  const placedIds = [...placed].filter((result) => !result.replaced).map((result) => result.nodeId);
  return { index, count: Math.max(generation.variant?.of ?? 1, index + 1), placedIds };
}

export interface RunCommand {
  command: string;
  parameters?: Record<string, unknown>;
}

/** Wires the sandbox to the UI: selection updates, reference export, result placement, stored state. */
export function startPlugin(figma: FigmaApi, run: RunCommand = { command: '' }): void {
  const post = (message: PluginMessage) => figma.ui.postMessage(message);
  const store = storedValues(figma.clientStorage);
  /** Each batch's results by variant index, and whether each replaced a layer (those never move). */
  const batches = new Map<string, { placed: Map<number, { nodeId: string; replaced: boolean }>; sourceNodeIds: string[] }>();
  const revealer = createRevealer(figma);
  /** Message handlers still at work: closing waits for them, as figma.closePlugin stops their callbacks at once. */
  const working = new Set<Promise<void>>();
  let selectionVersion = 0;
  /** The progress notification with a button (Quick edit's Cancel) showing now: each new one replaces it. */
  let progressNotice: NotificationHandler | undefined;

  /** The layers with these ids, or undefined when one of them is gone. */
  async function layersById(ids: string[]): Promise<SceneNode[] | undefined> {
    const nodes = await Promise.all(ids.map((id) => figma.getNodeByIdAsync(id)));
    return nodes.every((node): node is SceneNode => node !== null && 'absoluteBoundingBox' in node) ? nodes : undefined;
  }

  async function sendSelection(): Promise<void> {
    const version = ++selectionVersion;
    const nodes = figma.currentPage.selection;
    post({
      type: 'selection',
      items: nodes.map((node) => ({
        id: node.id,
        name: node.name,
        width: node.width,
        height: node.height,
        fillable: 'fills' in node && node.fills !== figma.mixed,
      })),
      region: regionSelection(nodes),
    });
    for (const node of nodes.slice(0, MAX_REFERENCES)) {
      const bytes = await exportThumbnail(node).catch(() => undefined);
      if (version !== selectionVersion) return;
      if (bytes) post({ type: 'thumbnail', nodeId: node.id, bytes });
    }
  }

  /**
   * Reads the launch command. "More variants", and "Edit again" of an edit inside a shape, also
   * reselect the layers the node was made from (for a region edit, the layer and its shape), on
   * their page: a page's selection can hold only its own layers, so Reimage goes there first.
   */
  async function prepareLaunch(settings: Settings): Promise<Launch> {
    const selection = figma.currentPage.selection;
    const generated = selection[0] ? parseGenerationRecord(selection[0].getPluginData(GENERATION_DATA_KEY)) : undefined;
    const launch = launchFor(run.command, run.parameters, generated, settings, selection);
    if (generated && (launch.command === 'more-variants' || (launch.command === 'edit-again' && generated.region))) {
      const found = await Promise.all(generated.sourceNodeIds.map((id) => figma.getNodeByIdAsync(id)));
      const sources = found.filter((node): node is SceneNode => node !== null && 'absoluteBoundingBox' in node);
      const page = sources.length > 0 ? pageOf(sources[0]) : undefined;
      if (page) {
        if (page !== figma.currentPage) {
          await figma.setCurrentPageAsync(page);
          figma.notify(`Reimage: selected the source layers, on page ${quotedPageName(page)}`);
        }
        const onPage = sources.filter((node) => pageOf(node) === page);
        page.selection = onPage;
        revealer.selected(onPage);
      }
    }
    return launch;
  }

  /** One start-up step; a failure is reported in the panel rather than leaving it without its init. */
  async function startUpStep<T>(problems: string[], what: string, step: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await step();
    } catch (error) {
      problems.push(`Reimage couldn’t ${what}: ${describeError(error)}.`);
      return fallback;
    }
  }

  const handlers: MessageHandlers<UiMessage> = {
    async ready() {
      const problems: string[] = [];
      const settings = await startUpStep(problems, 'read your settings', () => loadSettings(store), DEFAULT_SETTINGS);
      const launch = await startUpStep<Launch>(problems, 'prepare the command', () => prepareLaunch(settings), { command: 'open' });
      const history = await startUpStep(problems, 'read your history', () => loadHistory(store), []);
      const savedPrompts = await startUpStep(problems, 'read your saved prompts', () => loadSavedPrompts(store), []);
      const pending = await startUpStep(
        problems,
        'read the images still in the making',
        () => openPendingJobs(store, fileIdOf(figma.root), settings),
        { jobs: [], elsewhere: 0 },
      );
      const fileId = await startUpStep(problems, 'read this file’s id', async () => fileIdOf(figma.root), '');
      const problem = problems.length > 0 ? `${problems.join(' ')} Close and reopen Reimage to try again.` : undefined;
      post({
        type: 'init', settings, launch, history, savedPrompts, pendingJobs: pending.jobs, waitingElsewhere: pending.elsewhere, fileId, ...(problem ? { problem } : {}),
      });
      await sendSelection();
    },

    async 'export-references'({ requestId, limits, nodeIds }) {
      const nodes = nodeIds ? await layersById(nodeIds) : [...figma.currentPage.selection];
      if (!nodes) return post({ type: 'references-failed', requestId, message: 'Some of the layers it was made from are no longer in this file.' });
      const problem = selectionProblem(nodes.length, limits?.maxImages);
      if (problem) return post({ type: 'references-failed', requestId, message: problem });
      const progress = { layers: nodes.length, totalPixels: nodes.reduce((sum, node) => sum + referencePixels(node), 0), exportedPixels: 0, exportedBytes: 0 };
      for (const [index, node] of nodes.entries()) {
        let bytes: Uint8Array;
        try {
          bytes = await exportReference(node);
        } catch (error) {
          const message = `Couldn't export “${node.name}”: ${describeError(error)}. Try another layer or hide its effects.`;
          return post({ type: 'references-failed', requestId, message });
        }
        progress.exportedPixels += referencePixels(node);
        progress.exportedBytes += bytes.byteLength;
        const tooLarge = limits && referenceSizeProblem({ name: node.name, bytes: bytes.byteLength }, progress, limits);
        if (tooLarge) return post({ type: 'references-failed', requestId, message: tooLarge });
        post({ type: 'reference', requestId, index, total: nodes.length, nodeId: node.id, name: node.name, bytes });
      }
    },

    async 'export-region'({ requestId, nodeIds }) {
      const found = nodeIds ? await layersById([nodeIds.layerId, nodeIds.shapeId]) : undefined;
      if (nodeIds && !found) return post({ type: 'references-failed', requestId, message: 'The layer or the shape of this edit is no longer in this file.' });
      const region = found ? { layer: found[0], shape: found[1] } : findRegion(figma.currentPage.selection);
      if ('problem' in region) return post({ type: 'references-failed', requestId, message: region.problem });
      try {
        for (const part of await exportRegion(region.layer, region.shape)) post({ type: 'region-part', requestId, ...part });
      } catch (error) {
        post({ type: 'references-failed', requestId, message: `Couldn't export “${region.layer.name}”: ${describeError(error)}. Try another layer or hide its effects.` });
      }
    },

    async 'place-result'({ requestId, bytes, generation, placement, jobId, batch, history, notify }) {
      const alreadyPlaced = jobId ? await placedNodeId(store, fileIdOf(figma.root), jobId) : undefined;
      const existing = alreadyPlaced ? await figma.getNodeByIdAsync(alreadyPlaced) : null;
      if (existing && 'width' in existing) {
        // Placed before but still to resume (an earlier version closed between its two writes): stop resuming it.
        await markJobPlaced(store, fileIdOf(figma.root), jobId!, existing.id);
        return post({ type: 'result-placed', requestId, nodeId: existing.id, width: existing.width, height: existing.height });
      }
      let placed: Awaited<ReturnType<typeof placeResult>>;
      try {
        placed = await placeResult(figma, bytes, generation, placement, batch && rowSlot(generation, batch.index, batches.get(batch.id)?.placed.values()));
      } catch (error) {
        const message = `Figma couldn't place the image: ${describeError(error)}. Download it from the panel so it isn't lost.`;
        return post({ type: 'result-failed', requestId, message, bytes });
      }
      const { node, page, width, height, replaced } = placed;
      if (jobId) await markJobPlaced(store, fileIdOf(figma.root), jobId, node.id);
      if (batch) {
        const entry = batches.get(batch.id) ?? { placed: new Map(), sourceNodeIds: generation.sourceNodeIds };
        entry.placed.set(batch.index, { nodeId: node.id, replaced });
        batches.set(batch.id, entry);
      }
      post({ type: 'result-placed', requestId, nodeId: node.id, width, height });
      revealer.reveal({ page, nodes: [node], sourceNodeIds: generation.sourceNodeIds }, { notify, deferNotice: batch !== undefined });
      if (history) {
        const thumbnail = await exportThumbnail(node).catch(() => undefined);
        const region = generation.region && { ...generation.region, fileId: fileIdOf(figma.root) };
        const entries = await addHistoryEntry(store, { ...history, ...(batch ? { batch } : {}), ...(region ? { region } : {}), id: newId(), createdAt: new Date().toISOString(), thumbnail });
        post({ type: 'history', entries });
      }
    },

    async 'arrange-batch'({ batchId }) {
      const batch = batches.get(batchId);
      if (!batch) return;
      batches.delete(batchId);
      const ordered = [...batch.placed.entries()].sort(([a], [b]) => a - b).map(([, result]) => result);
      await arrangeBatch(figma, ordered.filter((result) => !result.replaced).map((result) => result.nodeId), batch.sourceNodeIds);
      const found = await Promise.all(ordered.map((result) => figma.getNodeByIdAsync(result.nodeId)));
      const nodes = found.filter((node): node is SceneNode => node !== null && !node.removed && 'absoluteBoundingBox' in node);
      const page = nodes.length > 0 ? pageOf(nodes[0]) : undefined;
      if (page) revealer.reveal({ page, nodes: nodes.filter((node) => pageOf(node) === page), sourceNodeIds: batch.sourceNodeIds });
    },

    async 'save-settings'({ settings }) {
      await saveSettings(store, settings);
    },

    async 'record-job'({ requestId, job }) {
      try {
        await recordPendingJob(store, fileIdOf(figma.root), job);
        post({ type: 'job-recorded', requestId });
      } catch (error) {
        post({ type: 'job-recorded', requestId, problem: `Figma couldn't store a record of this image (${describeError(error)}), so it was not sent. Try again.` });
      }
    },

    async 'job-started'({ idempotencyKey, jobId }) {
      await confirmPendingJob(store, idempotencyKey, jobId);
    },

    async 'job-settled'({ idempotencyKey }) {
      await removePendingJob(store, idempotencyKey);
    },

    async 'save-prompt'({ prompt }) {
      post({ type: 'saved-prompts', prompts: await savePrompt(store, prompt, newId()) });
    },

    async 'delete-prompt'({ id }) {
      post({ type: 'saved-prompts', prompts: await deletePrompt(store, id) });
    },

    notify({ message, error, button }) {
      if (!button) return void figma.notify(fitNotification(message), error ? { error: true, timeout: ERROR_NOTIFICATION_MS } : {});
      progressNotice?.cancel();
      progressNotice = figma.notify(fitNotification(message), {
        timeout: Infinity,
        button: { text: button.text, action: () => post({ type: 'notification-action', action: button.action }) },
      });
    },

    resize({ height }) {
      figma.ui.resize(PANEL_WIDTH, Math.round(Math.min(MAX_PANEL_HEIGHT, Math.max(MIN_PANEL_HEIGHT, height))));
    },

    // What the UI asked for before it asked to close (a result's history, its placed-job record) is written first.
    async close({ message, error }) {
      await Promise.allSettled(working);
      progressNotice?.cancel();
      if (message && error) figma.notify(fitNotification(message), { error: true, timeout: ERROR_NOTIFICATION_MS });
      figma.closePlugin(message && !error ? fitNotification(message) : undefined);
    },
  };

  figma.on('selectionchange', () => void sendSelection());
  figma.ui.onmessage = (message: UiMessage) => {
    const handled = Promise.resolve(dispatch(handlers, message));
    working.add(handled);
    return handled.finally(() => working.delete(handled));
  };
}
