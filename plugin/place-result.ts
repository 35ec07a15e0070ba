import type { GenerationRecord, Placement } from '../shared/protocol';
import type { FigmaApi } from './figma-api';
import { generationMark, type GenerationMark, markGenerated } from './generation-record';
import { pageOf } from './pages';
import { type Box, boundingBox, placeRow, type Point, rowSize, type Size, spotsBeside } from './placement';
import { fillsWithImageOnTop } from './replace-fill';

const MAX_NAME_LENGTH = 60;

/**
 * A layer name from the prompt: one line, at most 60 characters. A variant's ends in its number
 * ("… · 3"), kept whole however long the prompt, so the variants of one prompt tell apart.
 */
export function resultName(prompt: string, variant?: GenerationRecord['variant']): string {
  const suffix = variant && variant.of > 1 ? ` · ${variant.number}` : '';
  const line = prompt.replace(/\s+/g, ' ').trim() || 'Reimage result';
  const chars = Array.from(line);
  const room = MAX_NAME_LENGTH - suffix.length;
  return `${chars.length > room ? `${chars.slice(0, room - 1).join('').trimEnd()}…` : line}${suffix}`;
}

function boxOf(node: BaseNode): Box | undefined {
  return 'absoluteBoundingBox' in node && node.absoluteBoundingBox ? node.absoluteBoundingBox : undefined;
}

async function existingNodes(figma: FigmaApi, ids: readonly string[]): Promise<SceneNode[]> {
  const nodes = await Promise.all(ids.map((id) => figma.getNodeByIdAsync(id)));
  return nodes.filter((node): node is SceneNode => node !== null && boxOf(node) !== undefined);
}

/** Where a row of results goes: beside the source layers that still exist (on their page), else centred in the view. */
async function preferredSpots(figma: FigmaApi, sourceNodeIds: readonly string[], row: Size): Promise<{ page: PageNode; spots: Point[] }> {
  const sources = await existingNodes(figma, sourceNodeIds);
  const page = sources.length > 0 ? pageOf(sources[0]) : undefined;
  if (page) return { page, spots: spotsBeside(boundingBox(sources.filter((node) => pageOf(node) === page).map((node) => boxOf(node) as Box))) };
  const { x, y } = figma.viewport.center;
  return { page: figma.currentPage, spots: [{ x: Math.round(x - row.width / 2), y: Math.round(y - row.height / 2) }] };
}

/** The boxes of a page's top-level layers, but those in `except`. */
function obstaclesOn(page: PageNode, except: readonly string[]): Box[] {
  return page.children
    .filter((child) => !except.includes(child.id))
    .map(boxOf)
    .filter((box): box is Box => box !== undefined);
}

/** A result's place in its batch's row: which of how many, and the batch's results already on the canvas (the row may cover them). */
export interface RowSlot {
  index: number;
  count: number;
  placedIds: readonly string[];
}

/** What placing did: the node that shows the image, its page, and whether it was an existing layer. */
export interface Placed {
  node: SceneNode;
  page: PageNode;
  width: number;
  height: number;
  replaced: boolean;
}

/** Changes that go with placing a result, in its undo step: a region edit's shape is hidden, never deleted. */
type AlsoChange = () => void;

/** The image as the layer's top fill, its size and place untouched, as one undo step. */
async function replaceFills(figma: FigmaApi, image: Image, nodeId: string, mark: GenerationMark, also: AlsoChange): Promise<SceneNode | undefined> {
  const node = await figma.getNodeByIdAsync(nodeId);
  if (!node || !('fills' in node) || node.fills === figma.mixed || !('setRelaunchData' in node)) return undefined;
  const fills = fillsWithImageOnTop(node.fills as readonly Paint[], image.hash);
  figma.commitUndo();
  markGenerated(node, mark);
  node.fills = fills;
  also();
  figma.commitUndo();
  return node;
}

/** A new rectangle showing the image at `position` on `page`; nothing is left behind if Figma refuses any part of it. */
function createImageLayer(
  figma: FigmaApi,
  page: PageNode,
  image: Image,
  size: { width: number; height: number },
  position: { x: number; y: number },
  name: string,
  mark: GenerationMark,
  also: AlsoChange,
): RectangleNode {
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
  also();
  figma.commitUndo();
  return rectangle;
}

/**
 * Puts a generated PNG on the canvas, without selecting it (see reveal-result). Beside: a new
 * rectangle with an IMAGE fill at the image's decoded size, at the top level of the sources'
 * page (never inside an auto layout, and on that page even when the designer is on another), at
 * the nearest spot right of or below them that is clear of every other layer; a variant takes its
 * slot in the row its whole batch needs, so the batch lands in order and in one row. Replace: the image becomes the layer's top fill; when that layer
 * is gone the image goes beside instead, so it is never lost. Everything that can fail (the
 * image, the record) is worked out before the canvas changes. An edit inside a shape hides the
 * shape in the same undo step.
 */
export async function placeResult(
  figma: FigmaApi,
  bytes: Uint8Array,
  generation: GenerationRecord,
  placement: Placement,
  slot: RowSlot = { index: 0, count: 1, placedIds: [] },
): Promise<Placed> {
  const image = figma.createImage(bytes);
  const size = await image.getSizeAsync();
  const mark = generationMark(generation);
  const shape = generation.region ? await figma.getNodeByIdAsync(generation.region.shapeId) : null;
  const hideShape = () => {
    if (shape && 'visible' in shape) shape.visible = false;
  };
  if (placement.kind === 'replace') {
    const replaced = await replaceFills(figma, image, placement.nodeId, mark, hideShape);
    const page = replaced && pageOf(replaced);
    if (replaced && page) return { node: replaced, page, ...size, replaced: true };
  }
  const sizes = Array.from({ length: slot.count }, () => size);
  const { page, spots } = await preferredSpots(figma, generation.sourceNodeIds, rowSize(sizes));
  await page.loadAsync();
  const position = placeRow(spots, sizes, obstaclesOn(page, slot.placedIds))[slot.index];
  const node = createImageLayer(figma, page, image, size, position, resultName(generation.prompt, generation.variant), mark, hideShape);
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
  const batchBox = boundingBox(onPage.map((node) => boxOf(node) as Box));
  const spots = sources.length > 0 ? spotsBeside(boundingBox(sources.map((node) => boxOf(node) as Box))) : [{ x: batchBox.x, y: batchBox.y }];
  const positions = placeRow(spots, onPage, obstaclesOn(page, onPage.map((node) => node.id)));
  onPage.forEach((node, i) => {
    node.x = positions[i].x;
    node.y = positions[i].y;
  });
  figma.commitUndo();
}
