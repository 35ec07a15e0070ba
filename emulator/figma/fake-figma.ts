import type { FigmaApi } from '../../plugin/figma-api';
import { decodePngRgba, type Rgba } from '../../shared/png-rgba';
import { clientStorageOver, seededLatency, type StorageLatency } from './client-storage';
import { acceptedImageSize } from './image-check';
import { FakeDocument, FakePage } from './document';
import { UndoHistory } from './undo';
import {
  type Box,
  FakeContainer,
  FakeFile,
  FakeFrame,
  FakeGroup,
  type FakeNode,
  FakeSceneNode,
  FakeSection,
  FakeShape,
  FakeText,
  FakeVector,
  pageOf,
  type Rgb,
  solidPaint,
} from './nodes';
import { apiOfRun, type PluginRun } from './plugin-run';
import { FakeParameters } from './quick-actions';

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
  /** A notification to show, as Figma shows it (cut to 100 characters); `id` is its index in `notifications`. */
  notify: (message: string, options: NotificationOptions, id: number) => void;
  /** The notification went: timed out, cancelled, its button pressed, or the plugin closed. */
  dismiss: (id: number) => void;
  resize: (size: { width: number; height: number }) => void;
  showUI: (html: string, options: ShowUIOptions) => void;
  close: (message: string | undefined) => void;
}

type Listeners = { [K in keyof HostEvents]: HostEvents[K][] };
type RunHandler = (event: RunEvent) => void;

/** Figma cuts a notification's message to this many characters. */
export const NOTIFY_MAX_CHARS = 100;
const DEFAULT_NOTIFY_TIMEOUT_MS = 3000;

/** The id manifest.json gives the plugin; plugin data entries count it towards their 100 kB. */
const PLUGIN_ID = 'reimage-gpt-image-2';

/** How the host sets up a node it adds; each applies only to node types that have it in Figma. */
export interface NodeOptions {
  fills?: Paint[];
  parent?: FakeContainer | FakePage;
  rotation?: number;
  effects?: Effect[];
  visible?: boolean;
  characters?: string;
  fontSize?: number;
  /** A vector's paths (a pen path), in its own coordinates. */
  vectorPaths?: VectorPaths;
}

type NodeOfType<T> = T extends 'FRAME' | 'COMPONENT' | 'INSTANCE'
  ? FakeFrame
  : T extends 'SECTION'
    ? FakeSection
    : T extends 'TEXT'
      ? FakeText
      : T extends 'VECTOR'
        ? FakeVector
        : FakeShape;

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
  /** Every notification, as shown: the message cut to Figma's length, and its button's text. */
  readonly notifications: { message: string; error: boolean; button?: string }[] = [];
  readonly mixed: FigmaApi['mixed'] = Symbol('mixed') as FigmaApi['mixed'];
  readonly clientStorage: ClientStorageAPI;
  panelSize = { width: 300, height: 200 };
  closedWith: string | undefined | null = null;
  /** The file's root, as the fake's own node (for tests and the emulator); the plugin reads `root`. */
  readonly document: FakeDocument;
  private readonly file: FakeFile;
  private readonly history: UndoHistory;
  private current: FakePage;
  private readonly host: Listeners = { post: [], notify: [], dismiss: [], resize: [], showUI: [], close: [] };
  /** The notifications still showing, by id, with what their dismissal needs. */
  private readonly showing = new Map<number, { options: NotificationOptions; timer?: ReturnType<typeof setTimeout> }>();
  private selectionListeners: (() => void)[] = [];
  private pageListeners: (() => void)[] = [];
  private runListeners: RunHandler[] = [];
  private pluginRun: PluginRun = { closed: false };

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
    this.history = new UndoHistory(this.document);
    // The plugin's page listeners, and any notification's button, go with the plugin whose code they would call.
    this.listen('close', () => {
      this.pageListeners = [];
      for (const [id, shown] of this.showing) if (shown.options.button) this.dismiss(id, 'dismiss');
    });
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

  /** Quick Actions' input events; the host fires them (see quick-actions.ts). */
  readonly parameters = new FakeParameters();

  showUI(html: string, options: ShowUIOptions = {}): void {
    this.panelSize = { width: options.width ?? 300, height: options.height ?? 200 };
    this.emit('showUI', html, options);
  }

  /**
   * Shows a notification as Figma does: the message cut to 100 characters, gone after `timeout`
   * (3 s by default, never for Infinity), with an optional button whose action dismisses it
   * unless it returns false. One with a button goes when the plugin closes.
   */
  notify(message: string, options: NotificationOptions = {}): NotificationHandler {
    const shown = Array.from(String(message)).slice(0, NOTIFY_MAX_CHARS).join('');
    const id = this.notifications.length;
    this.notifications.push({ message: shown, error: Boolean(options.error), ...(options.button ? { button: options.button.text } : {}) });
    const timeout = options.timeout ?? DEFAULT_NOTIFY_TIMEOUT_MS;
    const timer = Number.isFinite(timeout) ? setTimeout(() => this.dismiss(id, 'timeout'), timeout) : undefined;
    this.showing.set(id, { options, timer });
    this.emit('notify', shown, options, id);
    return { cancel: () => this.dismiss(id, 'dismiss') };
  }

  /** Presses a showing notification's button (the latest one with a button by default), as the designer would. */
  pressNotificationButton(id = this.latestWithButton()): void {
    const shown = id === undefined ? undefined : this.showing.get(id);
    if (id === undefined || !shown?.options.button) throw new Error('No notification with a button is showing');
    if (shown.options.button.action() !== false) this.dismiss(id, 'action_button_click');
  }

  /** Ends the plugin as Figma does: its UI and listeners go, and the API its run was given stops working. */
  closePlugin(message?: string): void {
    if (this.pluginRun.closed) return;
    this.pluginRun.closed = true;
    this.closedWith = message;
    this.selectionListeners = [];
    this.runListeners = [];
    this.parameters.clear();
    this.ui.onmessage = undefined;
    this.emit('close', message);
  }

  on(type: 'selectionchange' | 'currentpagechange' | 'run', callback: (() => void) | RunHandler): void {
    if (type === 'selectionchange') this.selectionListeners.push(callback as () => void);
    if (type === 'currentpagechange') this.pageListeners.push(callback as () => void);
    if (type === 'run') this.runListeners.push(callback as RunHandler);
  }

  /** Ends an undo step here, so what the plugin does next is undone on its own. */
  commitUndo(): void {
    this.history.commit();
  }

  /** Reverts to the last committed state (the designer's own edits are committed as they make them). */
  triggerUndo(): void {
    this.history.undo();
  }

  createImage(data: Uint8Array): Image {
    const size = acceptedImageSize(data);
    const hash = `hash-${this.images.size + 1}`;
    const image = new FakeImage(hash, data, size, this.options.decodeImage ?? decodeInJavaScript);
    this.images.set(hash, image);
    return image;
  }

  createRectangle(): RectangleNode {
    const rectangle = this.make('RECTANGLE', 'Rectangle', { x: 0, y: 0, width: 100, height: 100 }) as FakeShape;
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

  /** Starts a run of the plugin, as Figma does on launch: returns the `figma` its code must be given. */
  openPlugin(): FakeFigma {
    this.pluginRun = { closed: false };
    this.closedWith = null;
    return apiOfRun(this, this.pluginRun);
  }

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
  addFrame(name: string, box: Box, color: Rgb = [255, 255, 255], parent?: FakeContainer | FakePage): FakeFrame {
    return this.addNode('FRAME', name, box, { fills: [solidPaint(color)], parent });
  }

  /** A shape inside a frame (or on a page), painted with the given paints. */
  addShape(type: 'RECTANGLE' | 'ELLIPSE' | 'VECTOR', name: string, box: Box, fills: Paint[], parent?: FakeContainer | FakePage): FakeShape {
    return this.addNode(type, name, box, { fills, parent });
  }

  /** Any node the designer can make, as they would set it up; groups come from addGroup. */
  addNode<T extends Exclude<FakeNode['type'], 'GROUP'>>(type: T, name: string, box: Box, options: NodeOptions = {}): NodeOfType<T> {
    const node = this.make(type, name, box);
    if (options.fills && 'fills' in node) node.fills = options.fills;
    if (options.rotation !== undefined && 'rotation' in node) node.rotation = options.rotation;
    if (options.effects && 'effects' in node) node.effects = options.effects;
    if (options.visible === false) node.visible = false;
    if (options.vectorPaths && node instanceof FakeVector) node.vectorPaths = options.vectorPaths;
    if (node instanceof FakeText) {
      node.characters = options.characters ?? name;
      node.fontSize = options.fontSize ?? node.fontSize;
    }
    this.put(node, options.parent);
    return node as NodeOfType<T>;
  }

  /** Groups nodes where the first one is, as Figma's group command does: the group is their bounds. */
  addGroup(name: string, nodes: FakeSceneNode[]): FakeGroup {
    const parent = nodes[0].parent ?? this.current;
    const group = new FakeGroup(this.file, 'GROUP', name, { x: 0, y: 0, width: 0, height: 0 });
    this.put(group, parent);
    for (const node of nodes) group.addLayer(node);
    this.history.commit();
    return group;
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
        const inner = node instanceof FakeContainer ? search(node.childNodes) : undefined;
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
    if (this.pluginRun.closed) return;
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

  private make(type: Exclude<FakeNode['type'], 'GROUP'>, name: string, box: Box): FakeNode {
    switch (type) {
      case 'FRAME':
      case 'COMPONENT':
      case 'INSTANCE':
        return new FakeFrame(this.file, type, name, box);
      case 'SECTION':
        return new FakeSection(this.file, type, name, box);
      case 'TEXT':
        return new FakeText(this.file, type, name, box);
      case 'VECTOR':
        return new FakeVector(this.file, type, name, box);
      default:
        return new FakeShape(this.file, type, name, box);
    }
  }

  /** The designer's own edits reach any page, loaded or not, and are each an undo step. */
  private put(node: FakeSceneNode, parent: FakeContainer | FakePage = this.current): void {
    parent.addLayer(node);
    this.history.commit();
  }

  private latestWithButton(): number | undefined {
    return [...this.showing.keys()].reverse().find((id) => this.showing.get(id)?.options.button);
  }

  private dismiss(id: number, reason: NotifyDequeueReason): void {
    const shown = this.showing.get(id);
    if (!shown) return;
    clearTimeout(shown.timer);
    this.showing.delete(id);
    shown.options.onDequeue?.(reason);
    this.emit('dismiss', id);
  }

  private emit<K extends keyof HostEvents>(event: K, ...args: Parameters<HostEvents[K]>): void {
    for (const listener of this.host[event]) (listener as (...values: Parameters<HostEvents[K]>) => void)(...args);
  }
}

export { FakeDocument, FakeFrame, FakeGroup, FakePage, FakeSceneNode, FakeSection, FakeShape, FakeText, FakeVector };
