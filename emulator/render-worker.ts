import type { Rgba } from '../shared/png-rgba';
import { type ImageLookup, type RenderableNode, renderRegion } from './figma/render';

/** A layer the canvas view asks to have drawn: as plain data, with the images it shows. */
export interface RenderRequest {
  id: number;
  node: RenderableNode;
  region: Rect;
  scale: number;
  images: ImageLookup;
}

export interface RenderAnswer {
  id: number;
  pixels: Rgba;
}

addEventListener('message', ({ data: { id, node, region, scale, images } }: MessageEvent<RenderRequest>) => {
  const pixels = renderRegion(node, region, scale, images);
  postMessage({ id, pixels } satisfies RenderAnswer, { transfer: [pixels.rgba.buffer] });
});
