import type { GenerationRecord, Placement } from '../shared/protocol';
import type { FigmaApi } from './figma-api';
import { markGenerated } from './generation-record';
import { type Box, boundingBox, PLACEMENT_GAP, placeRowBeside } from './placement';
import { fillsWithImageOnTop } from './replace-fill';

const MAX_NAME_LENGTH = 60;

/** A layer name from the prompt: one line, at most 60 characters. */
export function resultName(prompt: string): string {
  const line = prompt.replace(/\s+/g, ' ').trim();
  if (line === '') return 'Reimage result';
  return line.length > MAX_NAME_LENGTH ? `${line.slice(0, MAX_NAME_LENGTH - 1).trimEnd()}…` : line;
}

function boxOf(node: BaseNode): Box | undefined {
  return 'absoluteBoundingBox' in node && node.absoluteBoundingBox ? node.absoluteBoundingBox : undefined;
}

function pageOf(node: BaseNode): PageNode | undefined {
  let current: BaseNode | null = node;
  while (current && current.type !== 'PAGE') current = current.parent;
  return current ?? undefined;
}

async function existingNodes(figma: FigmaApi, ids: readonly string[]): Promise<SceneNode[]> {
  const nodes = await Promise.all(ids.map((id) => figma.getNodeByIdAsync(id)));
  return nodes.filter((node): node is SceneNode => node !== null && boxOf(node) !== undefined);
}

/** Where results go: beside the source layers that still exist, else from the viewport centre. */
async function findAnchor(figma: FigmaApi, sourceNodeIds: readonly string[], size: { width: number; height: number }) {
  const sources = await existingNodes(figma, sourceNodeIds);
  const page = sources.length > 0 ? pageOf(sources[0]) : undefined;
  if (page) return { page, anchor: boundingBox(sources.map((node) => boxOf(node) as Box)) };
  const { x, y } = figma.viewport.center;
  // An empty anchor one gap left of the centred spot, so the row starts there.
  const anchor = { x: Math.round(x - size.width / 2) - PLACEMENT_GAP, y: Math.round(y - size.height / 2), width: 0, height: 0 };
  return { page: figma.currentPage, anchor };
}

function showOnCanvas(figma: FigmaApi, page: PageNode, nodes: SceneNode[]): void {
  if (page !== figma.currentPage) return;
  page.selection = nodes;
  figma.viewport.scrollAndZoomIntoView(nodes);
}

async function replaceFills(figma: FigmaApi, image: Image, nodeId: string, generation: GenerationRecord): Promise<SceneNode | undefined> {
  const node = await figma.getNodeByIdAsync(nodeId);
  if (!node || !('fills' in node) || node.fills === figma.mixed || !('setRelaunchData' in node)) return undefined;
  node.fills = fillsWithImageOnTop(node.fills as readonly Paint[], image.hash);
  markGenerated(node, generation);
  return node;
}

/**
 * Puts a generated PNG on the canvas. Beside: a new rectangle with an IMAGE fill at the image's
 * decoded size, at the top level of the sources' page (never inside an auto layout), clear of
 * every other layer. Replace: the image becomes the layer's top fill; when that layer is gone the
 * image goes beside instead, so it is never lost.
 */
export async function placeResult(
  figma: FigmaApi,
  bytes: Uint8Array,
  generation: GenerationRecord,
  placement: Placement,
): Promise<{ node: SceneNode; width: number; height: number }> {
  const image = figma.createImage(bytes);
  const size = await image.getSizeAsync();
  if (placement.kind === 'replace') {
    const replaced = await replaceFills(figma, image, placement.nodeId, generation);
    if (replaced) {
      const page = pageOf(replaced);
      if (page) showOnCanvas(figma, page, [replaced]);
      return { node: replaced, ...size };
    }
  }
  const { page, anchor } = await findAnchor(figma, generation.sourceNodeIds, size);
  await page.loadAsync();
  const obstacles = page.children.map(boxOf).filter((box): box is Box => box !== undefined);
  const [position] = placeRowBeside(anchor, [size], obstacles);

  const rectangle = figma.createRectangle();
  page.appendChild(rectangle);
  rectangle.name = resultName(generation.prompt);
  rectangle.resize(size.width, size.height);
  rectangle.x = position.x;
  rectangle.y = position.y;
  rectangle.fills = [{ type: 'IMAGE', imageHash: image.hash, scaleMode: 'FILL' }];
  markGenerated(rectangle, generation);
  showOnCanvas(figma, page, [rectangle]);
  return { node: rectangle, ...size };
}

/** Lines a batch of variants up in variant order, in one evenly spaced row beside their sources, and selects them together. */
export async function arrangeBatch(figma: FigmaApi, nodeIds: readonly string[], sourceNodeIds: readonly string[]): Promise<void> {
  const nodes = (await existingNodes(figma, nodeIds)).filter((node) => node.parent?.type === 'PAGE');
  if (nodes.length === 0) return;
  const page = pageOf(nodes[0]) as PageNode;
  const sources = await existingNodes(figma, sourceNodeIds);
  const batchBoxes = nodes.map((node) => boxOf(node) as Box);
  const anchor =
    sources.length > 0
      ? boundingBox(sources.map((node) => boxOf(node) as Box))
      : { x: Math.min(...batchBoxes.map((b) => b.x)) - PLACEMENT_GAP, y: Math.min(...batchBoxes.map((b) => b.y)), width: 0, height: 0 };
  const obstacles = page.children
    .filter((child) => !nodes.includes(child))
    .map(boxOf)
    .filter((box): box is Box => box !== undefined);
  const positions = placeRowBeside(anchor, nodes, obstacles);
  nodes.forEach((node, i) => {
    node.x = positions[i].x;
    node.y = positions[i].y;
  });
  showOnCanvas(figma, page, nodes);
}
