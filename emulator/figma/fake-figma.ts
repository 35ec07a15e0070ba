import type { FigmaApi } from '../../plugin/figma-api';
import { decodePngRgba, type Rgba } from '../../shared/png-rgba';
import { clientStorageOver, seededLatency, type StorageLatency } from './client-storage';
import { acceptedImageSize } from './image-check';
import { FakeDocument, FakeFile, FakeFrame, FakePage, FakeSceneNode, pageOf, type Rgb, solidPaint } from './nodes';

/**
 * One fake of the Figma plugin API, behaving as Figma documents it, for the sandbox tests in Node
 * and for the emulator page in a browser (so it uses no Node-only API): exports are real PNGs of
 * the nodes' paints that honour the export constraint, createImage checks the bytes as Figma does
 * (rejecting non-images, cut-off files and images over 4096 px) and decodes them only when their
 * pixels are drawn, clientStorage keeps structured copies within 5 MB and takes a few to tens of
 * milliseconds a call.
 *
 * One FakeFigma is one open file: a document with its pages and its own plugin data, whose node
 * ids are unique within it and repeat in another file. Two instances over one clientStorage map
 * are one designer with two files open. Pages load as under `documentAccess: "dynamic-page"`.
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

/** The id manifest.json gives the plugin; plugin data entries count it towards their 100 kB. */
const PLUGIN_ID = 'reimage-gpt-image-2';

export interface FakeFigmaOptions {
  /** Keep every message posted to the UI in `posted` (the emulator page does not). */
  keepPosted?: boolean;
  decodeImage?: ImageDecoder;
  pluginId?: string;
  /** The manifest's `documentAccess`: "dynamic-page" (ours, the default) or the old full loading. */
  documentAccess?: 'dynamic-page' | 'full';
  /** The names of the file's pages; the first is the one the designer is on. */
  pages?: string[];
  /** Where the document's own plugin data lives (the emulator keeps it across reloads). */
  rootPluginData?: Map<string, unknown>;
  /** How long each clientStorage call takes; by default a fixed seed's sequence of a few to tens of milliseconds. */
  storageLatency?: StorageLatency;
}

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
  /** The file's root, as the fake's own node (for tests and the emulator); the plugin reads `root`. */
  readonly document: FakeDocument;
  private readonly file: FakeFile;
  private current: FakePage;
  private readonly host: Listeners = { post: [], notify: [], resize: [], showUI: [], close: [] };
  private selectionListeners: (() => void)[] = [];
  private pageListeners: (() => void)[] = [];
  private runListeners: RunHandler[] = [];

  /**
   * `storage` holds clientStorage's entries; the emulator passes one that persists itself, does
   * not keep `posted` (a long session would hold every exported image) and decodes images with
   * the browser's native decoder, off the page's thread, as Figma's own createImage is native.
   */
  constructor(
    readonly storage: Map<string, unknown> = new Map(),
    private readonly options: FakeFigmaOptions = {},
  ) {
    this.clientStorage = clientStorageOver(storage, options.storageLatency ?? seededLatency(1));
    this.file = new FakeFile(options.pluginId ?? PLUGIN_ID, this.imagePixels, (options.documentAccess ?? 'dynamic-page') === 'dynamic-page');
    this.document = new FakeDocument(this.file, 'Untitled', options.rootPluginData);
    for (const name of options.pages ?? ['Page 1']) this.addPage(name);
    this.current = this.document.children[0];
    this.current.load();
  }

  get root(): DocumentNode {
    return this.document as unknown as DocumentNode;
  }

  /** The page the designer is on, as the plugin sees it. */
  get currentPage(): PageNode {
    return this.current as unknown as PageNode;
  }

  /** Figma refuses this under dynamic-page: the page must be switched with setCurrentPageAsync. */
  set currentPage(page: PageNode) {
    if (this.file.dynamicPages) throw new Error('in set_currentPage: Cannot call with documentAccess: dynamic-page. Use figma.setCurrentPageAsync instead.');
    this.showPage(page as unknown as FakePage);
  }

  /** The page the designer is on, as the fake's own node (for tests and the emulator). */
  get page(): FakePage {
    return this.current;
  }

  async setCurrentPageAsync(page: PageNode): Promise<void> {
    this.showPage(page as unknown as FakePage);
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
    this.pageListeners = [];
    this.runListeners = [];
    this.ui.onmessage = undefined;
    this.emit('close', message);
  }

  on(type: 'selectionchange' | 'currentpagechange' | 'run', callback: (() => void) | RunHandler): void {
    if (type === 'selectionchange') this.selectionListeners.push(callback as () => void);
    if (type === 'currentpagechange') this.pageListeners.push(callback as () => void);
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
    // Figma puts a new node on the current page.
    this.current.appendChild(rectangle);
    return rectangle as unknown as RectangleNode;
  }

  /** Finds a node on any page, loaded or not, as Figma's async lookup does. */
  async getNodeByIdAsync(id: string): Promise<BaseNode | null> {
    if (id === this.document.id) return this.root as unknown as BaseNode;
    const page = this.document.children.find((candidate) => candidate.id === id);
    if (page) return page as unknown as BaseNode;
    return (this.findNode((node) => node.id === id) as unknown as BaseNode) ?? null;
  }

  // Host controls, not part of Figma's API.

  /** Starts the plugin's "run" event, as Figma does after loading its code. */
  run(command = '', parameters?: ParameterValues): void {
    this.runListeners.forEach((listener) => listener({ command, parameters } as RunEvent));
  }

  /** A new page at the end of the document, not loaded until the plugin loads or shows it. */
  addPage(name: string): FakePage {
    const page = new FakePage(this.file, name, (changed) => {
      if (changed === this.current) this.selectionListeners.forEach((listener) => listener());
    });
    this.document.appendChild(page);
    return page;
  }

  /** Switches the designer to a page of this file (loading it), as clicking it in Figma does. */
  showPage(page: FakePage): void {
    if (!this.document.children.includes(page)) throw new Error('in setCurrentPageAsync: The page is not in this document');
    page.load();
    if (page === this.current) return;
    const hadSelection = this.current.selection.length > 0 || page.selection.length > 0;
    this.current = page;
    queueMicrotask(() => {
      this.pageListeners.forEach((listener) => listener());
      if (hadSelection) this.selectionListeners.forEach((listener) => listener());
    });
  }

  /** A frame on the current page, or in the given frame or page (loaded or not: the designer's own edit). */
  addFrame(name: string, box: { x: number; y: number; width: number; height: number }, color: Rgb = [255, 255, 255], parent?: FakeFrame | FakePage): FakeFrame {
    const frame = new FakeFrame(this.file, 'FRAME', name, box.x, box.y, box.width, box.height);
    frame.fills = [solidPaint(color)];
    this.put(frame, parent);
    return frame;
  }

  /** A shape inside a frame (or on a page), painted with the given paints. */
  addShape(type: 'RECTANGLE' | 'ELLIPSE', name: string, box: { x: number; y: number; width: number; height: number }, fills: Paint[], parent?: FakeFrame | FakePage): FakeSceneNode {
    const shape = this.node(type, name, box);
    shape.fills = fills;
    this.put(shape, parent);
    return shape;
  }

  /** Selects nodes as the designer does: on their page, which becomes the current one. */
  select(...nodes: FakeSceneNode[]): void {
    const page = nodes.length > 0 ? pageOf(nodes[0]) : this.current;
    if (page && page !== this.current) this.showPage(page);
    (page ?? this.current).selection = nodes;
  }

  /** Searches every page, loaded or not. */
  findNode(match: (node: FakeSceneNode) => boolean): FakeSceneNode | undefined {
    const search = (nodes: readonly FakeSceneNode[]): FakeSceneNode | undefined => {
      for (const node of nodes) {
        if (match(node)) return node;
        const inner = node instanceof FakeFrame ? search(node.childNodes) : undefined;
        if (inner) return inner;
      }
      return undefined;
    };
    for (const page of this.document.children) {
      const found = search(page.childNodes);
      if (found) return found;
    }
    return undefined;
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
    return new FakeSceneNode(this.file, type, name, box.x, box.y, box.width, box.height);
  }

  /** The designer's own edits reach any page, loaded or not. */
  private put(node: FakeSceneNode, parent: FakeFrame | FakePage = this.current): void {
    if (parent instanceof FakePage) parent.addLayer(node);
    else parent.appendChild(node);
  }

  private emit<K extends keyof HostEvents>(event: K, ...args: Parameters<HostEvents[K]>): void {
    for (const listener of this.host[event]) (listener as (...values: Parameters<HostEvents[K]>) => void)(...args);
  }
}

export { FakeDocument, FakeFrame, FakePage, FakeSceneNode };
