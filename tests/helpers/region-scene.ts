import type { FakeFigma } from '../../emulator/figma/fake-figma';
import type { GenerationRecord, RegionRecord } from '../../shared/protocol';

const grey: SolidPaint = { type: 'SOLID', color: { r: 0.85, g: 0.85, b: 0.85 } };

/** A 400×300 frame with an oval drawn inside it, and the record of an edit inside that oval as the panel makes it. */
export function photoWithOval(figma: FakeFigma, prompt = 'A moon in the oval') {
  const photo = figma.addFrame('Photo', { x: 0, y: 0, width: 400, height: 300 });
  const oval = figma.addShape('ELLIPSE', 'Oval', { x: 50, y: 40, width: 100, height: 80 }, [grey], photo);
  const region: RegionRecord = { layerId: photo.id, shapeId: oval.id, crop: { x: 18, y: 8, width: 164, height: 144 }, layerPixels: { width: 400, height: 300 }, featherPx: 4 };
  const generation: GenerationRecord = { prompt, size: '1024x1024', sourceNodeIds: [photo.id, oval.id], createdAt: '2026-12-02T00:00:00.000Z', region };
  return { photo, oval, generation };
}
