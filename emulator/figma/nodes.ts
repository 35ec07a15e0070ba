import { encode } from 'fast-png';
import { type ImageSource, imagesOf, renderNode } from './render';

export type Rgb = readonly [number, number, number];
type Parent = FakePage | FakeFrame;

/** Figma's cap on one plugin data entry: its plugin id, key and value together, in UTF-8 bytes. */
export const PLUGIN_DATA_LIMIT_BYTES = 100 * 1024;
const utf8 = new TextEncoder();

/**
 * What the nodes of one open file share: where their ids come from (ids are unique within a file
 * and repeat across files, as Figma's do), the plugin that owns their plugin data, how images are
 * decoded, and whether pages load on demand (manifest `documentAccess: "dynamic-page"`).
 */
export class FakeFile {
  private sceneNodes = 0;
  private pages = 0;

  constructor(
    readonly pluginId: string,
    readonly images: ImageSource,
    readonly dynamicPages: boolean,
  ) {}

  nextSceneNodeId(): string {
    return `1:${++this.sceneNodes}`;
  }

  nextPageId(): string {
    return `0:${++this.pages}`;
  }
}

/** Plugin data and relaunch data, which every node has (the document and pages too). */
abstract class FakeBaseNode {
  abstract readonly type: string;
  relaunchData: Record<string, string> = {};
  private readonly pluginData: Map<string, unknown>;

  constructor(
    readonly file: FakeFile,
    public name: string,
    pluginData = new Map<string, unknown>(),
  ) {
    this.pluginData = pluginData;
  }

  /** Refuses an entry over 100 kB with Figma's own message, keeping what was stored. */
  setPluginData(key: string, value: string): void {
    if (typeof key !== 'string' || typeof value !== 'string') throw new Error('in setPluginData: Expected key and value to be strings');
    const bytes = [this.file.pluginId, key, value].reduce((sum, part) => sum + utf8.encode(part).byteLength, 0);
    if (bytes > PLUGIN_DATA_LIMIT_BYTES) throw new Error('in setPluginData: This pluginData entry exceeds 100 kB per entry limit.');
    if (value === '') this.pluginData.delete(key);
    else this.pluginData.set(key, value);
  }

  getPluginData(key: string): string {
    const value = this.pluginData.get(key);
    return typeof value === 'string' ? value : '';
  }

  getPluginDataKeys(): string[] {
    return [...this.pluginData.keys()];
  }

  setRelaunchData(data: Record<string, string>): void {
    this.relaunchData = { ...data };
  }

  getRelaunchData(): Record<string, string> {
    return { ...this.relaunchData };
  }
}

/** A solid paint from 0–255 channels, as designers pick colours. */
export function solidPaint([r, g, b]: Rgb): SolidPaint {
  return { type: 'SOLID', color: { r: r / 255, g: g / 255, b: b / 255 } };
}

/** The page a node is on, or null for one that is not in the document. */
export function pageOf(node: FakeSceneNode): FakePage | null {
  let parent: Parent | null = node.parent;
  while (parent instanceof FakeFrame) parent = parent.parent;
  return parent;
}

/** The scene nodes the plugin meets: frames, rectangles and ellipses with paints, plugin data and PNG export. */
export class FakeSceneNode extends FakeBaseNode {
  readonly id: string;
  parent: Parent | null = null;
  removed = false;
  fills: readonly Paint[] = [];
  visible = true;

  constructor(
    file: FakeFile,
    public readonly type: 'FRAME' | 'RECTANGLE' | 'ELLIPSE',
    name: string,
    public x: number,
    public y: number,
    public width: number,
    public height: number,
  ) {
    super(file, name);
    this.id = file.nextSceneNodeId();
  }

  get absoluteBoundingBox(): Rect {
    const origin = this.parent instanceof FakeFrame ? this.parent.absoluteBoundingBox : { x: 0, y: 0 };
    return { x: origin.x + this.x, y: origin.y + this.y, width: this.width, height: this.height };
  }

  get absoluteRenderBounds(): Rect | null {
    return this.visible ? this.absoluteBoundingBox : null;
  }

  resize(width: number, height: number): void {
    if (width < 0.01 || height < 0.01) throw new Error('in resize: width and height must be >= 0.01');
    this.width = width;
    this.height = height;
  }

  remove(): void {
    this.parent?.removeChild(this);
    this.parent = null;
    this.removed = true;
  }

  /** Real PNG pixels of the node and its children, sized by the export constraint. */
  async exportAsync(settings?: ExportSettings): Promise<Uint8Array> {
    if (settings && settings.format !== 'PNG') throw new Error('This fake exports PNG only');
    const constraint = settings?.constraint ?? { type: 'SCALE', value: 1 };
    const scale =
      constraint.type === 'SCALE'
        ? constraint.value
        : constraint.type === 'WIDTH'
          ? constraint.value / this.width
          : constraint.value / this.height;
    const { width, height, rgba } = renderNode(this, scale, await imagesOf(this, this.file.images));
    return encode({ width, height, data: rgba, channels: 4, depth: 8 });
  }
}

/**
 * A node's children as Figma hands them out: a new read-only array on every read, so changing it
 * changes nothing; the layer tree changes only through appendChild, insertChild and remove.
 */
function frozenCopy<T>(items: readonly T[]): readonly T[] {
  return Object.freeze([...items]);
}

/** Moves a node to `index` of a parent's children, out of wherever it was, as Figma's insertChild does. */
function adopt(parent: Parent, list: FakeSceneNode[], child: FakeSceneNode, index = list.length): void {
  child.parent?.removeChild(child);
  child.parent = parent;
  list.splice(Math.min(index, list.length), 0, child);
}

export class FakeFrame extends FakeSceneNode {
  /** The children themselves, for the emulator; the plugin reads `children`. */
  readonly childNodes: FakeSceneNode[] = [];
  layoutMode: 'NONE' | 'HORIZONTAL' | 'VERTICAL' = 'NONE';

  get children(): readonly FakeSceneNode[] {
    return frozenCopy(this.childNodes);
  }

  appendChild(child: FakeSceneNode): void {
    adopt(this, this.childNodes, child);
  }

  insertChild(index: number, child: FakeSceneNode): void {
    adopt(this, this.childNodes, child, index);
  }

  removeChild(child: FakeSceneNode): void {
    this.childNodes.splice(this.childNodes.indexOf(child), 1);
    pageOf(this)?.forget(child);
  }
}

/** Figma's words when a dynamic-page plugin reads or changes a page it has not loaded. */
const UNLOADED_PAGE_ERROR =
  'in get_children: Cannot access property `children` on a page that has not been explicitly loaded. ' +
  "Remember to call `await page.loadAsync()` or `await figma.loadAllPagesAsync()' first.";

/**
 * A page: its layers and its own selection, which may hold only its own nodes. Under
 * dynamic-page only the page the designer is on is loaded when the plugin starts; another one
 * must be loaded (loadAsync, or switching to it) before its children can be read or changed.
 */
export class FakePage extends FakeBaseNode {
  readonly type = 'PAGE';
  readonly id: string;
  parent: FakeDocument | null = null;
  readonly removed = false;
  /** The layers themselves, for the emulator's own drawing and lookups; the plugin reads `children`. */
  readonly childNodes: FakeSceneNode[] = [];
  private loaded: boolean;
  private currentSelection: readonly FakeSceneNode[] = Object.freeze([]);

  constructor(
    file: FakeFile,
    name: string,
    private readonly onSelectionChange: (page: FakePage) => void,
  ) {
    super(file, name);
    this.id = file.nextPageId();
    this.loaded = !file.dynamicPages;
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  get children(): readonly FakeSceneNode[] {
    this.mustBeLoaded();
    return frozenCopy(this.childNodes);
  }

  get selection(): readonly FakeSceneNode[] {
    return this.currentSelection;
  }

  set selection(nodes: readonly FakeSceneNode[]) {
    if (nodes.some((node) => !(node instanceof FakeSceneNode) || node.removed || pageOf(node) !== this)) {
      throw new Error('in set_selection: The selection of a page can only include nodes in that page');
    }
    this.currentSelection = Object.freeze([...new Set(nodes)]);
    queueMicrotask(() => this.onSelectionChange(this));
  }

  appendChild(child: FakeSceneNode): void {
    this.mustBeLoaded();
    adopt(this, this.childNodes, child);
  }

  insertChild(index: number, child: FakeSceneNode): void {
    this.mustBeLoaded();
    adopt(this, this.childNodes, child, index);
  }

  removeChild(child: FakeSceneNode): void {
    this.childNodes.splice(this.childNodes.indexOf(child), 1);
    this.forget(child);
  }

  /** The designer's own edit, which reaches the page whether or not the plugin has loaded it. */
  addLayer(child: FakeSceneNode): void {
    adopt(this, this.childNodes, child);
  }

  async loadAsync(): Promise<void> {
    this.loaded = true;
  }

  /** Marks the page loaded, as switching to it does. */
  load(): void {
    this.loaded = true;
  }

  /** Drops a node that left the page (and its descendants) from the selection. */
  forget(child: FakeSceneNode): void {
    const kept = this.currentSelection.filter((node) => {
      for (let current: FakeSceneNode | null = node; current; current = current.parent instanceof FakeFrame ? current.parent : null) {
        if (current === child) return false;
      }
      return true;
    });
    if (kept.length !== this.currentSelection.length) this.selection = kept;
  }

  private mustBeLoaded(): void {
    if (!this.loaded) throw new Error(UNLOADED_PAGE_ERROR);
  }
}

/** The root of one file: its pages, and plugin data that belongs to the file itself. */
export class FakeDocument extends FakeBaseNode {
  readonly type = 'DOCUMENT';
  readonly id = '0:0';
  readonly parent = null;
  readonly removed = false;
  private readonly pages: FakePage[] = [];

  get children(): readonly FakePage[] {
    return frozenCopy(this.pages);
  }

  appendChild(page: FakePage): void {
    if (!(page instanceof FakePage)) throw new Error('in appendChild: The document can only contain pages');
    page.parent = this;
    this.pages.push(page);
  }
}
