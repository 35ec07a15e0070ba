import type { GenerationRecord, Placement } from '../shared/protocol';
import type { FigmaApi } from './figma-api';
import { generationMark, type GenerationMark, markGenerated } from './generation-record';
import { pageOf } from './pages';
import { type Box, boundingBox, PLACEMENT_GAP, placeRowBeside } from './placement';
import { fillsWithImageOnTop } from './replace-fill';

const MAX_NAME_LENGTH = 60;

/** A layer name from the prompt: one line, at most 60 characters. */
export function resultName(prompt: string): string {
  const line = prompt.replace(/\s+/g, ' ').trim();
  if (line === '') return 'Reimage result';
  const chars = Array.from(line);
  return chars.length > MAX_NAME_LENGTH ? `${chars.slice(0, MAX_NAME_LENGTH - 1).join('').trimEnd()}…` : line;
}

function boxOf(node: BaseNode): Box | undefined {
  return 'absoluteBoundingBox' in node && node.absoluteBoundingBox ? node.absoluteBoundingBox : undefined;
}

async function existingNodes(figma: FigmaApi, ids: readonly string[]): Promise<SceneNode[]> {
  const nodes = await Promise.all(ids.map((id) => figma.getNodeByIdAsync(id)));
  return nodes.filter((node): node is SceneNode => node !== null && boxOf(node) !== undefined);
}

/** Where results go: beside the source layers that still exist (on their page), else from the viewport centre. */
async function findAnchor(figma: FigmaApi, sourceNodeIds: readonly string[], size: { width: number; height: number }) {
  const sources = await existingNodes(figma, sourceNodeIds);
  const page = sources.length > 0 ? pageOf(sources[0]) : undefined;
  if (page) return { page, anchor: boundingBox(sources.filter((node) => pageOf(node) === page).map((node) => boxOf(node) as Box)) };
  const { x, y } = figma.viewport.center;
  // An empty anchor one gap left of the centred spot, so the row starts there.
  const anchor = { x: Math.round(x - size.width / 2) - PLACEMENT_GAP, y: Math.round(y - size.height / 2), width: 0, height: 0 };
  return { page: figma.currentPage, anchor };
}

/** What placing did: the node that shows the image, its page, and whether it was an existing layer. */
export interface Placed {
  node: SceneNode;
  page: PageNode;
  width: number;
  height: number;
  replaced: boolean;
}

/** The image as the layer's top fill, its size and place untouched, as one undo step. */
async function replaceFills(figma: FigmaApi, image: Image, nodeId: string, mark: GenerationMark): Promise<SceneNode | undefined> {
  const node = await figma.getNodeByIdAsync(nodeId);
  if (!node || !('fills' in node) || node.fills === figma.mixed || !('setRelaunchData' in node)) return undefined;
  const fills = fillsWithImageOnTop(node.fills as readonly Paint[], image.hash);
  figma.commitUndo();
  markGenerated(node, mark);
  node.fills = fills;
  figma.commitUndo();
  return node;
}

/** A new rectangle showing the image at `position` on `page`; nothing is left behind if Figma refuses any part of it. */
function createImageLayer(figma: FigmaApi, page: PageNode, image: Image, size: { width: number; height: number }, position: { x: number; y: number }, name: string, mark: GenerationMark): RectangleNode {
  figma.commitUndo();
  const rectangle = figma.createRectangle();
  try {
    page.appendChild(rectangle);
    rectangle.name = name;
    rectangle.resize(size.width, size.height);
    rectangle.x = position.x;
    rectangle.y = position.y;
    rectangle.fills = [{ type: 'IMAGE', imageHash: image.hash, scaleMode: 'FILL' }];
    markGenerated(rectangle, mark);
  } catch (error) {
    rectangle.remove();
    throw error;
  }
  figma.commitUndo();
  return rectangle;
}

/**
 * Puts a generated PNG on the canvas, without selecting it (see reveal-result). Beside: a new
 * rectangle with an IMAGE fill at the image's decoded size, at the top level of the sources'
 * page (never inside an auto layout, and on that page even when the designer is on another),
 * clear of every other layer. Replace: the image becomes the layer's top fill; when that layer
 * is gone the image goes beside instead, so it is never lost. Everything that can fail (the
 * image, the record) is worked out before the canvas changes.
 */
export async function placeResult(figma: FigmaApi, bytes: Uint8Array, generation: GenerationRecord, placement: Placement): Promise<Placed> {
  const image = figma.createImage(bytes);
  const size = await image.getSizeAsync();
  const mark = generationMark(generation);
  if (placement.kind === 'replace') {
    const replaced = await replaceFills(figma, image, placement.nodeId, mark);
    const page = replaced && pageOf(replaced);
    if (replaced && page) return { node: replaced, page, ...size, replaced: true };
  }
  const { page, anchor } = await findAnchor(figma, generation.sourceNodeIds, size);
  await page.loadAsync();
  const obstacles = page.children.map(boxOf).filter((box): box is Box => box !== undefined);
  const [position] = placeRowBeside(anchor, [size], obstacles);
  const node = createImageLayer(figma, page, image, size, position, resultName(generation.prompt), mark);
  return { node, page, ...size, replaced: false };
}

/**
 * Lines a batch's new layers up in variant order, in one evenly spaced row beside their sources.
 * Only layers the batch created move: a layer it replaced in place stays where the designer put it.
 */
export async function arrangeBatch(figma: FigmaApi, nodeIds: readonly string[], sourceNodeIds: readonly string[]): Promise<void> {
  const nodes = (await existingNodes(figma, nodeIds)).filter((node) => node.parent?.type === 'PAGE');
  if (nodes.length === 0) return;
  const page = pageOf(nodes[0]) as PageNode;
  await page.loadAsync();
  const onPage = nodes.filter((node) => node.parent === page);
  const sources = (await existingNodes(figma, sourceNodeIds)).filter((node) => pageOf(node) === page);
  const batchBoxes = onPage.map((node) => boxOf(node) as Box);
  const anchor =
    sources.length > 0
      ? boundingBox(sources.map((node) => boxOf(node) as Box))
      : { x: Math.min(...batchBoxes.map((b) => b.x)) - PLACEMENT_GAP, y: Math.min(...batchBoxes.map((b) => b.y)), width: 0, height: 0 };
  const obstacles = page.children
    .filter((child) => !onPage.includes(child))
    .map(boxOf)
    .filter((box): box is Box => box !== undefined);
  const positions = placeRowBeside(anchor, onPage, obstacles);
  onPage.forEach((node, i) => {
    node.x = positions[i].x;
    node.y = positions[i].y;
  });
  figma.commitUndo();
}
