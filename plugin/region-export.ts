import { offsetInLayer, type PixelPoint } from '../shared/region-geometry';
import { exportScale } from './export-constraint';
import { renderBounds } from './render-bounds';

export interface RegionPart {
  part: 'layer' | 'mask';
  nodeId: string;
  name: string;
  bytes: Uint8Array;
  offset: PixelPoint;
}

/**
 * The layer as PNG at its export scale (longest side at most 2048 px), without the shape (Figma
 * puts a shape drawn over a frame inside it), and the shape at the same scale, with where it lands
 * in the layer's pixels: its alpha is the mask. The sandbox decodes nothing; the panel crops and
 * composites. The shape is shown just for its own export (a region edit leaves it hidden, and
 * "Edit again" reuses it), and left as it was.
 */
export async function exportRegion(layer: SceneNode, shape: SceneNode): Promise<RegionPart[]> {
  const wasVisible = shape.visible;
  try {
    shape.visible = false;
    const layerBounds = renderBounds(layer);
    const scale = exportScale(layerBounds.width, layerBounds.height);
    const layerBytes = await layer.exportAsync({ format: 'PNG', constraint: { type: 'SCALE', value: scale } });
    shape.visible = true;
    const shapeBounds = renderBounds(shape);
    const maskBytes = await shape.exportAsync({ format: 'PNG', constraint: { type: 'SCALE', value: scale } });
    return [
      { part: 'layer', nodeId: layer.id, name: layer.name, bytes: layerBytes, offset: { x: 0, y: 0 } },
      { part: 'mask', nodeId: shape.id, name: shape.name, bytes: maskBytes, offset: offsetInLayer(layerBounds, shapeBounds, scale) },
    ];
  } finally {
    shape.visible = wasVisible;
  }
}
