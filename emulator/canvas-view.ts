import type { FakeFigma, FakeSceneNode } from './figma/fake-figma';
import { BackgroundRenderer } from './background-render';
import { imagesOf, renderableCopy } from './figma/render';

const MAX_BITMAP_SIDE = 2048;
const SELECTION_BLUE = '#0d99ff';

export interface ScreenBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A node's look wherever it is, so its bitmap is drawn again only when that changes. */
function signature(node: FakeSceneNode): string {
  const children = 'childNodes' in node ? (node.childNodes as FakeSceneNode[]).map((child) => [child.relativeTransform, signature(child)]) : [];
  const fills = 'fills' in node ? node.fills : null;
  const text = 'characters' in node ? node.characters : null;
  const turn = 'rotation' in node ? node.rotation : 0;
  return JSON.stringify([node.type, node.width, node.height, node.visible, turn, fills, node.drawnEffects, text, children]);
}

/** The part of the page a top-level node paints: its shadows too, and its box when it paints nothing. */
function paintedArea(node: FakeSceneNode): Rect {
  return node.paintedBounds() ?? node.absoluteBoundingBox;
}

/**
 * The page drawn as Figma's canvas: top-level layers with their real pixels, names above them,
 * the selection outlined with its size below. Click selects, shift-click adds or removes, the
 * wheel pans, ctrl/cmd+wheel zooms. The view is figma.viewport, so the plugin moves it.
 */
export class CanvasView {
  private readonly context: CanvasRenderingContext2D;
  private readonly bitmaps = new Map<string, { signature: string; bitmap?: ImageBitmap }>();
  private readonly renderer = new BackgroundRenderer();
  /** Layers being drawn in the background now. */
  private rendering = 0;
  private drawn = '';

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly figma: FakeFigma,
    private readonly colours: () => { canvas: string; label: string },
    /** How much of the canvas's right side the plugin window covers, in pixels. */
    private readonly coveredRight: () => number,
  ) {
    this.context = canvas.getContext('2d') as CanvasRenderingContext2D;
    canvas.addEventListener('mousedown', (event) => this.select(event));
    canvas.addEventListener('wheel', (event) => this.scroll(event), { passive: false });
    new ResizeObserver(() => this.fitCanvas()).observe(canvas);
    this.fitCanvas();
    const frame = () => {
      this.drawIfChanged();
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  /** Where a node is on screen, in page coordinates, for tests and the layers list. */
  screenBox(node: FakeSceneNode): ScreenBox {
    const box = node.absoluteBoundingBox;
    const { x, y } = this.toScreen(box.x, box.y);
    const rect = this.canvas.getBoundingClientRect();
    const { zoom } = this.figma.viewport;
    return { x: rect.left + x, y: rect.top + y, width: box.width * zoom, height: box.height * zoom };
  }

  zoomToFit(): void {
    const nodes = this.figma.page.children.filter((node) => node.visible);
    this.syncScreen();
    if (nodes.length > 0) this.figma.viewport.scrollAndZoomIntoView(nodes as unknown as BaseNode[]);
  }

  redraw(): void {
    this.drawn = '';
  }

  private fitCanvas(): void {
    const { width, height } = this.canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.max(1, Math.round(width * ratio));
    this.canvas.height = Math.max(1, Math.round(height * ratio));
    this.syncScreen();
    this.redraw();
  }

  /** The viewport is the part of the canvas the plugin window leaves free, so what the plugin shows is not hidden under it. */
  private syncScreen(): void {
    const { width, height } = this.canvas.getBoundingClientRect();
    const free = Math.max(100, width - this.coveredRight());
    const { screen } = this.figma.viewport;
    if (screen.width !== free || screen.height !== height) this.figma.viewport.screen = { width: free, height };
  }

  private toScreen(x: number, y: number): { x: number; y: number } {
    const { center, zoom, screen } = this.figma.viewport;
    return { x: (x - center.x) * zoom + screen.width / 2, y: (y - center.y) * zoom + screen.height / 2 };
  }

  private toCanvas(event: MouseEvent): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    const { center, zoom, screen } = this.figma.viewport;
    return { x: (event.clientX - rect.left - screen.width / 2) / zoom + center.x, y: (event.clientY - rect.top - screen.height / 2) / zoom + center.y };
  }

  private select(event: MouseEvent): void {
    const point = this.toCanvas(event);
    const hit = [...this.figma.page.childNodes].reverse().find((node) => {
      const box = node.absoluteBoundingBox;
      return node.visible && point.x >= box.x && point.x < box.x + box.width && point.y >= box.y && point.y < box.y + box.height;
    });
    const current = this.figma.page.selection;
    if (event.shiftKey) {
      if (hit) this.figma.page.selection = current.includes(hit) ? current.filter((node) => node !== hit) : [...current, hit];
    } else {
      this.figma.page.selection = hit ? [hit] : [];
    }
  }

  private scroll(event: WheelEvent): void {
    event.preventDefault();
    const { viewport } = this.figma;
    if (event.ctrlKey || event.metaKey) {
      const before = this.toCanvas(event);
      viewport.zoom = Math.min(8, Math.max(0.02, viewport.zoom * Math.exp(-event.deltaY / 300)));
      const after = this.toCanvas(event);
      viewport.center = { x: viewport.center.x + before.x - after.x, y: viewport.center.y + before.y - after.y };
    } else {
      viewport.center = { x: viewport.center.x + event.deltaX / viewport.zoom, y: viewport.center.y + event.deltaY / viewport.zoom };
    }
  }

  private bitmapFor(node: FakeSceneNode): ImageBitmap | undefined {
    const current = signature(node);
    const cached = this.bitmaps.get(node.id);
    if (cached?.signature === current) return cached.bitmap;
    const entry: { signature: string; bitmap?: ImageBitmap } = { signature: current, bitmap: cached?.bitmap };
    this.bitmaps.set(node.id, entry);
    const area = paintedArea(node);
    const scale = Math.min(1, MAX_BITMAP_SIDE / Math.max(area.width, area.height));
    // Read now, as the node looks with this signature: it may change while its images decode.
    const copy = renderableCopy(node);
    this.rendering++;
    void imagesOf(copy, this.figma.imagePixels)
      .then((images) => this.renderer.render(copy, area, scale, images))
      .then((pixels) => createImageBitmap(new ImageData(new Uint8ClampedArray(pixels.rgba.buffer as ArrayBuffer), pixels.width, pixels.height)))
      .then((bitmap) => {
        entry.bitmap = bitmap;
        this.redraw();
      })
      .finally(() => this.rendering--);
    return entry.bitmap;
  }

  /** Whether the canvas shows the page as it is now, every layer's pixels drawn (screenshots wait for it). */
  settled(): boolean {
    return this.rendering === 0 && this.state() === this.drawn;
  }

  private state(): string {
    const { viewport, page } = this.figma;
    return JSON.stringify([viewport.center, viewport.zoom, viewport.screen, page.id, page.selection.map((node) => node.id), page.childNodes.map((node) => [node.name, node.x, node.y, signature(node)]), this.colours()]);
  }

  private drawIfChanged(): void {
    this.syncScreen();
    const state = this.state();
    if (state === this.drawn) return;
    this.drawn = state;
    this.draw();
  }

  private draw(): void {
    const { context: c, figma } = this;
    const { width, height } = this.canvas.getBoundingClientRect();
    const ratio = this.canvas.width / Math.max(1, width);
    const colours = this.colours();
    c.setTransform(ratio, 0, 0, ratio, 0, 0);
    c.fillStyle = colours.canvas;
    c.fillRect(0, 0, width, height);
    c.font = '11px Inter, system-ui, sans-serif';
    c.textBaseline = 'bottom';
    const { zoom } = figma.viewport;
    for (const node of figma.page.childNodes) {
      if (!node.visible) continue;
      const area = paintedArea(node);
      const painted = this.toScreen(area.x, area.y);
      const bitmap = this.bitmapFor(node);
      c.imageSmoothingQuality = 'high';
      if (bitmap) c.drawImage(bitmap, painted.x, painted.y, area.width * zoom, area.height * zoom);
      const box = node.absoluteBoundingBox;
      const { x, y } = this.toScreen(box.x, box.y);
      const selected = figma.page.selection.includes(node);
      c.fillStyle = selected ? SELECTION_BLUE : colours.label;
      c.fillText(node.name, x, y - 4, Math.max(40, box.width * zoom));
    }
    c.strokeStyle = SELECTION_BLUE;
    c.lineWidth = 1;
    for (const node of figma.page.selection) {
      const box = this.screenBox(node);
      const rect = this.canvas.getBoundingClientRect();
      const left = box.x - rect.left;
      const top = box.y - rect.top;
      c.strokeRect(Math.round(left) + 0.5, Math.round(top) + 0.5, Math.round(box.width), Math.round(box.height));
      const label = `${Math.round(node.width)} × ${Math.round(node.height)}`;
      const labelWidth = c.measureText(label).width + 8;
      const labelLeft = left + box.width / 2 - labelWidth / 2;
      c.fillStyle = SELECTION_BLUE;
      c.beginPath();
      c.roundRect(labelLeft, top + box.height + 6, labelWidth, 16, 2);
      c.fill();
      c.fillStyle = '#ffffff';
      c.textBaseline = 'middle';
      c.fillText(label, labelLeft + 4, top + box.height + 14);
      c.textBaseline = 'bottom';
    }
  }
}
