import type { GenerationRecord } from '../shared/protocol';
import type { FigmaApi } from './figma-api';
import { type Box, boundingBox, placeRowBeside } from './placement';

export const GENERATION_DATA_KEY = 'reimage';
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

/** Where the result goes: beside the source layers that still exist, else centred in the viewport. */
async function findAnchor(figma: FigmaApi, sourceNodeIds: readonly string[], size: { width: number; height: number }) {
  const sources = await Promise.all(sourceNodeIds.map((id) => figma.getNodeByIdAsync(id)));
  const placed = sources.filter((node): node is BaseNode => node !== null && boxOf(node) !== undefined);
  const page = placed.length > 0 ? pageOf(placed[0]) : undefined;
  if (page && placed.length > 0) {
    return { page, anchor: boundingBox(placed.map((node) => boxOf(node) as Box)), beside: true };
  }
  const { x, y } = figma.viewport.center;
  const centred = { x: Math.round(x - size.width / 2), y: Math.round(y - size.height / 2), ...size };
  return { page: figma.currentPage, anchor: centred, beside: false };
}

/**
 * Inserts a generated PNG as a new rectangle with an IMAGE fill at the image's decoded size, at the
 * top level of the sources' page (never inside an auto layout), clear of every other layer.
 */
export async function placeResult(figma: FigmaApi, bytes: Uint8Array, generation: GenerationRecord): Promise<RectangleNode> {
  const image = figma.createImage(bytes);
  const size = await image.getSizeAsync();
  const { page, anchor, beside } = await findAnchor(figma, generation.sourceNodeIds, size);
  await page.loadAsync();
  const obstacles = page.children.map(boxOf).filter((box): box is Box => box !== undefined);
  const position = beside ? placeRowBeside(anchor, [size], obstacles)[0] : { x: anchor.x, y: anchor.y };

  const rectangle = figma.createRectangle();
  page.appendChild(rectangle);
  rectangle.name = resultName(generation.prompt);
  rectangle.resize(size.width, size.height);
  rectangle.x = position.x;
  rectangle.y = position.y;
  rectangle.fills = [{ type: 'IMAGE', imageHash: image.hash, scaleMode: 'FILL' }];
  rectangle.setPluginData(GENERATION_DATA_KEY, JSON.stringify(generation));

  if (page === figma.currentPage) {
    page.selection = [rectangle];
    figma.viewport.scrollAndZoomIntoView([rectangle]);
  }
  return rectangle;
}
