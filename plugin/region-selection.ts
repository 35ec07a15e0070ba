import type { RegionSelection } from '../shared/protocol';
import { cropBox, offsetInLayer, overlapArea } from '../shared/region-geometry';
import { exportScale } from './export-constraint';
import { renderBounds } from './render-bounds';

const MASK_TYPES = new Set<string>(['RECTANGLE', 'ELLIPSE', 'VECTOR']);
const TO_DRAW = 'draw a rectangle, ellipse or pen path over the part of a layer to change';

/** A shape that can be a mask: a rectangle, ellipse or vector (pen path) without an image fill; a rectangle with one is a picture, a layer. */
export function isMaskShape(node: SceneNode): boolean {
  if (!MASK_TYPES.has(node.type)) return false;
  const fills = 'fills' in node ? node.fills : [];
  return !(Array.isArray(fills) && fills.some((paint: Paint) => paint.type === 'IMAGE'));
}

function boxOf(node: SceneNode): Rect {
  return node.absoluteBoundingBox ?? { x: node.x, y: node.y, width: node.width, height: node.height };
}

function quoted(names: readonly string[]): string {
  return names.map((name) => `“${name}”`).join(', ');
}

/**
 * The layers a lone shape is drawn over: the visible layers below it in its parent that it
 * overlaps; with none, the frame or group it was drawn inside (Figma puts a shape drawn over a frame
 * into it).
 */
function layersUnder(shape: SceneNode): SceneNode[] {
  const parent = shape.parent;
  if (!parent || !('children' in parent)) return [];
  const siblings = parent.children as readonly SceneNode[];
  const below = siblings.slice(0, siblings.indexOf(shape)).filter((node) => node.visible && overlapArea(boxOf(node), boxOf(shape)) > 0);
  if (below.length > 0 || parent.type === 'PAGE') return below;
  return [parent as SceneNode];
}

/**
 * Whether the selection is a region edit, the layer and the shape over it (or only the shape, when
 * it is drawn over exactly one layer), and otherwise what to select, in words that say so.
 */
export function findRegion(selection: readonly SceneNode[]): { layer: SceneNode; shape: SceneNode } | { problem: string } {
  const shapes = selection.filter(isMaskShape);
  const others = selection.filter((node) => !isMaskShape(node));
  if (shapes.length === 0) return { problem: `No shape is selected: ${TO_DRAW}, and select it.` };
  if (shapes.length > 1) return { problem: `${shapes.length} shapes are selected (${quoted(shapes.map((s) => s.name))}): select one shape, and the layer under it.` };
  if (others.length > 1) return { problem: `Select one layer and one shape over it: ${selection.length} layers are selected.` };
  const [shape] = shapes;
  const box = boxOf(shape);
  if (!(box.width > 0 && box.height > 0)) return { problem: `“${shape.name}” has no area: draw a shape with a width and a height over the part to change.` };
  const candidates = others.length === 1 ? others : layersUnder(shape);
  if (candidates.length === 0) return { problem: `“${shape.name}” is over no layer: move it over the part of a layer to change, or select that layer too.` };
  if (candidates.length > 1) return { problem: `“${shape.name}” overlaps ${candidates.length} layers (${quoted(candidates.map((c) => c.name))}): select the one to edit too.` };
  const [layer] = candidates;
  const layerBox = boxOf(layer);
  if (overlapArea(box, layerBox) === 0) return { problem: `“${shape.name}” is not over “${layer.name}”: move it over the part to change.` };
  if (box.width > layerBox.width || box.height > layerBox.height) {
    return { problem: `“${shape.name}” is larger than “${layer.name}”: draw a smaller shape over the part to change.` };
  }
  return { layer, shape };
}

/** The size of the crop the edit will send, worked out from the boxes (the export makes it exact), for the size it asks for. */
function expectedCrop(layer: SceneNode, shape: SceneNode): { width: number; height: number } {
  const layerBounds = renderBounds(layer);
  const scale = exportScale(layerBounds.width, layerBounds.height);
  const shapeBox = boxOf(shape);
  const mask = { ...offsetInLayer(layerBounds, shapeBox, scale), width: Math.round(shapeBox.width * scale), height: Math.round(shapeBox.height * scale) };
  const { width, height } = cropBox({ width: Math.round(layerBounds.width * scale), height: Math.round(layerBounds.height * scale) }, mask);
  return { width, height };
}

/** The selection's region edit as the panel hears of it. */
export function regionSelection(selection: readonly SceneNode[]): RegionSelection {
  const region = findRegion(selection);
  if ('problem' in region) return region;
  const { layer, shape } = region;
  const fillable = 'fills' in layer && typeof layer.fills !== 'symbol';
  return { layerId: layer.id, shapeId: shape.id, layerName: layer.name, shapeName: shape.name, layerFillable: fillable, crop: expectedCrop(layer, shape) };
}
