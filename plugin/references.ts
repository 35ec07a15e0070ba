import { exportScale } from './export-constraint';

export const MIN_REFERENCES = 1;
export const MAX_REFERENCES = 16;
const THUMBNAIL_SIDE = 96;

/** Why the selection cannot be sent, in words that say what to do; undefined when it can. */
export function selectionProblem(count: number): string | undefined {
  if (count < MIN_REFERENCES) return 'Select 1 to 16 layers to edit.';
  if (count > MAX_REFERENCES) return `Select at most 16 layers: ${count} are selected.`;
  return undefined;
}

function renderSize(node: SceneNode): { width: number; height: number } {
  const bounds = 'absoluteRenderBounds' in node ? node.absoluteRenderBounds : null;
  return bounds ?? { width: node.width, height: node.height };
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
