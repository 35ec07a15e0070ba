import { amount, type ReferenceLimits } from '../shared/request-limits';
import { exportScale } from './export-constraint';

export const MIN_REFERENCES = 1;
export const MAX_REFERENCES = 16;
const THUMBNAIL_SIDE = 96;

/** Why the selection cannot be sent, in words that say what to do; undefined when it can. */
export function selectionProblem(count: number, maxLayers = MAX_REFERENCES): string | undefined {
  const most = Math.min(maxLayers, MAX_REFERENCES);
  if (count < MIN_REFERENCES) return `Select 1 to ${most} layers to edit.`;
  if (count > most) return `Select at most ${most} layers: ${count} are selected.`;
  return undefined;
}

function renderSize(node: SceneNode): { width: number; height: number } {
  const bounds = 'absoluteRenderBounds' in node ? node.absoluteRenderBounds : null;
  return bounds ?? { width: node.width, height: node.height };
}

/** How many pixels the node's reference PNG has: its rendered size, the longest side at most 2048 px. */
export function referencePixels(node: SceneNode): number {
  const { width, height } = renderSize(node);
  const scale = exportScale(width, height);
  return Math.max(1, Math.round(width * scale)) * Math.max(1, Math.round(height * scale));
}

/** The node as PNG bytes, its longest side at most 2048 px. */
export function exportReference(node: SceneNode): Promise<Uint8Array> {
  const { width, height } = renderSize(node);
  return node.exportAsync({ format: 'PNG', constraint: { type: 'SCALE', value: exportScale(width, height) } });
}

export function exportThumbnail(node: SceneNode): Promise<Uint8Array> {
  const { width, height } = renderSize(node);
  return node.exportAsync({ format: 'PNG', constraint: { type: 'SCALE', value: exportScale(width, height, THUMBNAIL_SIDE) } });
}

/** The references exported so far, against the pixels of all of them (which are known before exporting). */
export interface ExportProgress {
  layers: number;
  totalPixels: number;
  exportedPixels: number;
  exportedBytes: number;
}

/**
 * Why the references cannot go to the relay, as soon as the ones exported so far show it; undefined
 * while they fit. Past the total, what is still to export is estimated from the bytes per pixel so
 * far, so the designer hears the whole selection's size at once, not after minutes of upload.
 */
export function referenceSizeProblem(latest: { name: string; bytes: number }, progress: ExportProgress, limits: ReferenceLimits): string | undefined {
  if (latest.bytes > limits.maxImageBytes) {
    return `“${latest.name}” comes to ${amount(latest.bytes)} as a PNG; the relay takes at most ${amount(limits.maxImageBytes)} per layer. Select a smaller layer.`;
  }
  if (progress.exportedBytes <= limits.maxTotalImageBytes) return undefined;
  const rest = progress.totalPixels - progress.exportedPixels;
  const estimate = progress.exportedBytes + (rest * progress.exportedBytes) / progress.exportedPixels;
  const size = rest > 0 ? `about ${amount(estimate)}` : amount(progress.exportedBytes);
  const layers = progress.layers === 1 ? `“${latest.name}” comes to ${size} as a PNG` : `These ${progress.layers} layers come to ${size} as PNGs`;
  return `${layers}; the relay takes at most ${amount(limits.maxTotalImageBytes)}. Select fewer or smaller layers.`;
}
