import type { Rgba } from '../shared/png-rgba';
import type { ImageLookup, RenderableNode } from './figma/render';
import type { RenderAnswer, RenderRequest } from './render-worker';

/**
 * Draws the canvas view's layers in a worker. The emulator's renderer is plain JavaScript, and a
 * large image takes it hundreds of milliseconds: on the page's thread, where the plugin's sandbox
 * runs too, that would hold up the plugin's code (a clientStorage call answered late, a result
 * placed late), which Figma's canvas, drawing images natively beside the sandbox, does not.
 */
export class BackgroundRenderer {
  private readonly worker = new Worker(new URL('./render-worker.ts', import.meta.url), { type: 'module' });
  private readonly waiting = new Map<number, { resolve: (pixels: Rgba) => void; reject: (error: Error) => void }>();
  private next = 0;

  constructor() {
    this.worker.addEventListener('message', ({ data }: MessageEvent<RenderAnswer>) => {
      this.waiting.get(data.id)?.resolve(data.pixels);
      this.waiting.delete(data.id);
    });
    this.worker.addEventListener('error', (event) => {
      for (const { reject } of this.waiting.values()) reject(new Error(`The emulator's canvas renderer failed: ${event.message}`));
      this.waiting.clear();
    });
  }

  /** What the node, as plain data (renderableCopy), shows within a region of the page. */
  render(node: RenderableNode, region: Rect, scale: number, images: ImageLookup): Promise<Rgba> {
    const request: RenderRequest = { id: this.next++, node, region, scale, images };
    return new Promise((resolve, reject) => {
      this.waiting.set(request.id, { resolve, reject });
      this.worker.postMessage(request);
    });
  }
}
