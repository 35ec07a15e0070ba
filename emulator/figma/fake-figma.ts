import type { FigmaApi } from '../../plugin/figma-api';
import { decodePngRgba, type Rgba } from '../../shared/png-rgba';
import { clientStorageOver, seededLatency, type StorageLatency } from './client-storage';
import { acceptedImageSize } from './image-check';
import { FakeFrame, FakePage, FakeSceneNode, type Rgb, solidPaint } from './nodes';

/**
 * One fake of the Figma plugin API, behaving as Figma documents it, for the sandbox tests in Node
 * and for the emulator page in a browser (so it uses no Node-only API): exports are real PNGs of
 * the nodes' paints that honour the export constraint, createImage checks the bytes as Figma does
 * (rejecting non-images, cut-off files and images over 4096 px) and decodes them only when their
 * pixels are drawn, clientStorage keeps structured copies within 5 MB and takes a few to tens of
 * milliseconds a call.
 */

const DEFAULT_RECTANGLE_FILL: Rgb = [217, 217, 217];

/** Turns encoded image bytes into pixels: the browser's own decoder in the emulator, fast-png by default. */
export type ImageDecoder = (bytes: Uint8Array) => Promise<Rgba>;

const decodeInJavaScript: ImageDecoder = async (bytes) => decodePngRgba(bytes);

class FakeImage implements Image {
  private decoded: Promise<Rgba | undefined> | undefined;

  constructor(
    readonly hash: string,
    private readonly bytes: Uint8Array,
    readonly size: { width: number; height: number },
    private readonly decode: ImageDecoder,
  ) {}

  async getBytesAsync(): Promise<Uint8Array> {
    return this.bytes;
  }

  async getSizeAsync(): Promise<{ width: number; height: number }> {
    return this.size;
  }

  /** Decoded on first use; undefined when the data past the header is broken, drawn as nothing. */
  pixels(): Promise<Rgba | undefined> {
    this.decoded ??= this.decode(this.bytes).catch(() => undefined);
    return this.decoded;
  }
}

/** What the host (the emulator page, or a test) hears from the plugin. */
interface HostEvents {
  post: (message: unknown) => void;
  notify: (message: string, options: NotificationOptions) => void;
  resize: (size: { width: number; height: number }) => void;
  showUI: (html: string, options: ShowUIOptions) => void;
  close: (message: string | undefined) => void;
}

type Listeners = { [K in keyof HostEvents]: HostEvents[K][] };
type RunHandler = (event: RunEvent) => void;

export class FakeFigma implements FigmaApi {
  /** Everything the sandbox posted to the UI, in order. */
  readonly posted: unknown[] = [];
  readonly images = new Map<string, FakeImage>();
  readonly scrolledTo: FakeSceneNode[][] = [];
  readonly notifications: { message: string; error: boolean }[] = [];
  readonly mixed: FigmaApi['mixed'] = Symbol('mixed') as FigmaApi['mixed'];
  readonly clientStorage: ClientStorageAPI;
  panelSize = { width: 300, height: 200 };
  closedWith: string | undefined | null = null;
  readonly currentPage: PageNode;
  readonly page: FakePage;
  private readonly host: Listeners = { post: [], notify: [], resize: [], showUI: [], close: [] };
  private selectionListeners: (() => void)[] = [];
  private runListeners: RunHandler[] = [];

  /**
   * `storage` holds clientStorage's entries; the emulator passes one that persists itself, does
   * not keep `posted` (a long session would hold every exported image) and decodes images with
   * the browser's native decoder, off the page's thread, as Figma's own createImage is native.
   * clientStorage's latency follows `storageLatency`, by default a fixed seed's sequence.
   */
  constructor(
    readonly storage: Map<string, unknown> = new Map(),
    private readonly options: { keepPosted?: boolean; decodeImage?: ImageDecoder; storageLatency?: StorageLatency } = {},
  ) {
    this.clientStorage = clientStorageOver(storage, options.storageLatency ?? seededLatency(1));
    this.page = new FakePage('Page 1', () => this.selectionListeners.forEach((listener) => listener()));
    this.currentPage = this.page as unknown as PageNode;
  }

  readonly ui: FigmaApi['ui'] = {
    postMessage: (message: unknown) => {
      if (this.options.keepPosted ?? true) this.posted.push(structuredClone(message));
      this.emit('post', message);
    },
    onmessage: undefined,
    resize: (width: number, height: number) => {
      this.panelSize = { width, height };
      this.emit('resize', this.panelSize);
    },
  };

  readonly viewport = {
    center: { x: 500, y: 400 },
    zoom: 1,
    /** The size of the visible canvas in screen pixels; the host keeps it current. */
    screen: { width: 1000, height: 800 },
    get bounds(): Rect {
      const width = this.screen.width / this.zoom;
      const height = this.screen.height / this.zoom;
      return { x: this.center.x - width / 2, y: this.center.y - height / 2, width, height };
    },
    scrollAndZoomIntoView: (nodes: readonly BaseNode[]) => {
      const boxes = (nodes as unknown as FakeSceneNode[]).map((node) => node.absoluteBoundingBox);
      this.scrolledTo.push(nodes as unknown as FakeSceneNode[]);
      if (boxes.length === 0) return;
      const left = Math.min(...boxes.map((b) => b.x));
      const top = Math.min(...boxes.map((b) => b.y));
      const right = Math.max(...boxes.map((b) => b.x + b.width));
      const bottom = Math.max(...boxes.map((b) => b.y + b.height));
      const { viewport } = this;
      viewport.center = { x: (left + right) / 2, y: (top + bottom) / 2 };
      viewport.zoom = Math.min(1, (viewport.screen.width * 0.8) / (right - left), (viewport.screen.height * 0.8) / (bottom - top));
    },
  };

  /** Quick Actions are not emulated: suggestions are never asked for. */
  readonly parameters = { on: () => {} };

  showUI(html: string, options: ShowUIOptions = {}): void {
    this.panelSize = { width: options.width ?? 300, height: options.height ?? 200 };
    this.emit('showUI', html, options);
  }

  notify(message: string, options: NotificationOptions = {}): NotificationHandler {
    this.notifications.push({ message, error: Boolean(options.error) });
    this.emit('notify', message, options);
    return { cancel: () => {} };
  }

  /** Ends the plugin as Figma does: its listeners go with it. */
  closePlugin(message?: string): void {
    this.closedWith = message;
    this.selectionListeners = [];
    this.runListeners = [];
    this.ui.onmessage = undefined;
    this.emit('close', message);
  }

  on(type: 'selectionchange' | 'run', callback: (() => void) | RunHandler): void {
    if (type === 'selectionchange') this.selectionListeners.push(callback as () => void);
    if (type === 'run') this.runListeners.push(callback as RunHandler);
  }

  createImage(data: Uint8Array): Image {
    const size = acceptedImageSize(data);
    const hash = `hash-${this.images.size + 1}`;
    const image = new FakeImage(hash, data, size, this.options.decodeImage ?? decodeInJavaScript);
    this.images.set(hash, image);
    return image;
  }

  createRectangle(): RectangleNode {
    const rectangle = this.node('RECTANGLE', 'Rectangle', { x: 0, y: 0, width: 100, height: 100 });
    rectangle.fills = [solidPaint(DEFAULT_RECTANGLE_FILL)];
    this.page.appendChild(rectangle);
    return rectangle as unknown as RectangleNode;
  }

  async getNodeByIdAsync(id: string): Promise<BaseNode | null> {
    return (this.findNode((node) => node.id === id) as unknown as BaseNode) ?? null;
  }

  // Host controls, not part of Figma's API.

  /** Starts the plugin's "run" event, as Figma does after loading its code. */
  run(command = '', parameters?: ParameterValues): void {
    this.runListeners.forEach((listener) => listener({ command, parameters } as RunEvent));
  }

  addFrame(name: string, box: { x: number; y: number; width: number; height: number }, color: Rgb = [255, 255, 255], parent?: FakeFrame): FakeFrame {
    const frame = new FakeFrame('FRAME', name, box.x, box.y, box.width, box.height, this.imagePixels);
    frame.fills = [solidPaint(color)];
    (parent ?? this.page).appendChild(frame);
    return frame;
  }

  /** A shape inside a frame (or on the page), painted with the given paints. */
  addShape(type: 'RECTANGLE' | 'ELLIPSE', name: string, box: { x: number; y: number; width: number; height: number }, fills: Paint[], parent?: FakeFrame): FakeSceneNode {
    const shape = this.node(type, name, box);
    shape.fills = fills;
    (parent ?? this.page).appendChild(shape);
    return shape;
  }

  select(...nodes: FakeSceneNode[]): void {
    this.page.selection = nodes;
  }

  findNode(match: (node: FakeSceneNode) => boolean): FakeSceneNode | undefined {
    const search = (nodes: readonly FakeSceneNode[]): FakeSceneNode | undefined => {
      for (const node of nodes) {
        if (match(node)) return node;
        const inner = node instanceof FakeFrame ? search(node.children) : undefined;
        if (inner) return inner;
      }
      return undefined;
    };
    return search(this.page.children);
  }

  /** Delivers a message from the UI, as figma.ui.onmessage receives it. */
  async sendFromUi(message: unknown): Promise<void> {
    await (this.ui.onmessage as ((message: unknown, props: OnMessageProperties) => unknown) | undefined)?.(message, { origin: 'null' });
  }

  listen<K extends keyof HostEvents>(event: K, listener: HostEvents[K]): void {
    this.host[event].push(listener);
  }

  messagesOfType<T extends { type: string }>(type: T['type']): T[] {
    return this.posted.filter((message): message is T => (message as { type?: string }).type === type);
  }

  /** The decoded pixels of an image by its hash, for drawing and exporting. */
  readonly imagePixels = async (hash: string) => this.images.get(hash)?.pixels();

  private node(type: 'RECTANGLE' | 'ELLIPSE', name: string, box: { x: number; y: number; width: number; height: number }): FakeSceneNode {
    return new FakeSceneNode(type, name, box.x, box.y, box.width, box.height, this.imagePixels);
  }

  private emit<K extends keyof HostEvents>(event: K, ...args: Parameters<HostEvents[K]>): void {
    for (const listener of this.host[event]) (listener as (...values: Parameters<HostEvents[K]>) => void)(...args);
  }
}

export { FakeFrame, FakePage, FakeSceneNode };
