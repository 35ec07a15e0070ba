import { encode } from 'fast-png';
import type { FakePage } from './document';
import { boundsOf, grown, IDENTITY, multiply, normalizedRotation, placement, union } from './geometry';
import { frozenEffects, frozenPaints } from './paints';
import { type ImageSource, imagesOf, renderRegion } from './render';
import { type FlatPath, flattenPathData } from './vector-path';

export type Rgb = readonly [number, number, number];
export type Box = { x: number; y: number; width: number; height: number };
type Parent = FakePage | FakeContainer;

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
export abstract class FakeBaseNode {
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

  /** What undo brings back of this node: every value a plugin or designer can change. */
  saveState(): NodeState {
    return { name: this.name, relaunchData: { ...this.relaunchData }, pluginData: [...this.pluginData] };
  }

  restoreState(state: NodeState): void {
    this.name = state.name as string;
    this.relaunchData = { ...(state.relaunchData as Record<string, string>) };
    this.pluginData.clear();
    for (const [key, value] of state.pluginData as [string, unknown][]) this.pluginData.set(key, value);
  }
}

/** A node's changeable values, as plain data (node references as ids), for undo. */
export type NodeState = Record<string, unknown>;

/** A solid paint from 0–255 channels, as designers pick colours. */
export function solidPaint([r, g, b]: Rgb): SolidPaint {
  return { type: 'SOLID', color: { r: r / 255, g: g / 255, b: b / 255 } };
}

/** Figma's words for putting a node into an instance, whose layers come from its main component. */
const INSTANCE_PARENT_ERROR = 'in appendChild: Cannot move node. New parent is an instance or is inside of an instance';

/** The page a node is on, or null for one that is not in the document. */
export function pageOf(node: FakeSceneNode): FakePage | null {
  let parent: Parent | null = node.parent;
  while (parent instanceof FakeContainer) parent = parent.parent;
  return parent;
}

/** The parent whose coordinates a node's x and y are in: groups have none of their own, as in Figma. */
function containerOf(node: FakeSceneNode): Parent | null {
  let parent = node.parent;
  while (parent instanceof FakeGroup) parent = parent.parent;
  return parent;
}

/** Whether the node and every parent up to the page are visible. */
function shown(node: FakeSceneNode): boolean {
  for (let current: FakeSceneNode | null = node; current; current = current.parent instanceof FakeContainer ? current.parent : null) {
    if (!current.visible) return false;
  }
  return true;
}

/**
 * What every scene node has: an id, a place in the tree, a box (x and y in its container's
 * coordinates, as Figma's are), visibility, plugin data and PNG export. Fills, rotation, effects
 * and resizing belong to the node types that have them in Figma (see the classes below), so
 * `'fills' in group` is false here as it is there.
 */
export abstract class FakeSceneNode extends FakeBaseNode {
  readonly id: string;
  parent: Parent | null = null;
  removed = false;
  visible = true;
  /** Degrees; kept here for the transform, exposed as `rotation` only by nodes that have it. */
  protected turn = 0;
  protected effectList: readonly Effect[] = Object.freeze([]);
  protected size: { width: number; height: number };
  private position: { x: number; y: number };

  constructor(
    file: FakeFile,
    public readonly type: SceneType,
    name: string,
    box: Box,
  ) {
    super(file, name);
    this.id = file.nextSceneNodeId();
    this.position = { x: box.x, y: box.y };
    this.size = { width: box.width, height: box.height };
  }

  get x(): number {
    return this.position.x;
  }

  set x(value: number) {
    this.position.x = value;
  }

  get y(): number {
    return this.position.y;
  }

  set y(value: number) {
    this.position.y = value;
  }

  get width(): number {
    return this.size.width;
  }

  get height(): number {
    return this.size.height;
  }

  /** The effects drawn with the node (only nodes that have `effects` can set them). */
  get drawnEffects(): readonly Effect[] {
    return this.effectList;
  }

  get relativeTransform(): Transform {
    return placement(this.x, this.y, this.turn);
  }

  get absoluteTransform(): Transform {
    const container = containerOf(this);
    const outer = container instanceof FakeContainer ? container.absoluteTransform : IDENTITY;
    return multiply(outer, this.relativeTransform);
  }

  /** The axis-aligned box around the node as turned, on the page, without effects. */
  get absoluteBoundingBox(): Rect {
    return boundsOf(this.absoluteTransform, { x: 0, y: 0, width: this.width, height: this.height });
  }

  /**
   * What the node paints, effects included, on the page; null when it or a parent is hidden. The
   * emulator's own name: Figma calls it absoluteRenderBounds on the node types that have it.
   */
  paintedBounds(): Rect | null {
    if (!shown(this)) return null;
    const own = this.absoluteBoundingBox;
    const extents = [own];
    for (const effect of this.effectList) {
      if (effect.visible === false) continue;
      if (effect.type === 'DROP_SHADOW') extents.push(grown(own, (effect.spread ?? 0) + effect.radius, effect.offset));
      if (effect.type === 'LAYER_BLUR') extents.push(grown(own, effect.radius));
    }
    return union(extents);
  }

  remove(): void {
    this.parent?.removeChild(this);
    this.parent = null;
    this.removed = true;
  }

  override saveState(): NodeState {
    return { ...super.saveState(), visible: this.visible, position: { ...this.position }, size: { ...this.size }, turn: this.turn, effects: this.effectList };
  }

  override restoreState(state: NodeState): void {
    super.restoreState(state);
    this.visible = state.visible as boolean;
    this.position = { ...(state.position as { x: number; y: number }) };
    this.size = { ...(state.size as { width: number; height: number }) };
    this.turn = state.turn as number;
    this.effectList = state.effects as readonly Effect[];
  }

  /**
   * Real PNG pixels of what the node shows, rotation and effects included: by default the area of
   * its render bounds (so a shadow makes the image larger than the node), the bounding box with
   * `useAbsoluteBounds`, sized by the export constraint.
   */
  async exportAsync(settings?: ExportSettings): Promise<Uint8Array> {
    if (settings && settings.format !== 'PNG') throw new Error('This fake exports PNG only');
    const region = (settings?.useAbsoluteBounds ? null : this.paintedBounds()) ?? this.absoluteBoundingBox;
    const constraint = settings?.constraint ?? { type: 'SCALE', value: 1 };
    const scale =
      constraint.type === 'SCALE'
        ? constraint.value
        : constraint.type === 'WIDTH'
          ? constraint.value / region.width
          : constraint.value / region.height;
    const { width, height, rgba } = renderRegion(this, region, scale, await imagesOf(this, this.file.images));
    return encode({ width, height, data: rgba, channels: 4, depth: 8 });
  }
}

export type SceneType = 'FRAME' | 'COMPONENT' | 'INSTANCE' | 'SECTION' | 'GROUP' | 'RECTANGLE' | 'ELLIPSE' | 'VECTOR' | 'TEXT';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type NodeClass = abstract new (...args: any[]) => FakeSceneNode;

/** Fills as Figma hands them out: a frozen array of frozen paints; assign a new array to change them. */
function withFills<Base extends NodeClass>(base: Base) {
  abstract class Filled extends base {
    private paints: readonly Paint[] = Object.freeze([]);

    get fills(): readonly Paint[] {
      return this.paints;
    }

    set fills(paints: readonly Paint[]) {
      this.paints = frozenPaints(paints);
    }

    override saveState(): NodeState {
      return { ...super.saveState(), fills: this.paints };
    }

    override restoreState(state: NodeState): void {
      super.restoreState(state);
      this.paints = state.fills as readonly Paint[];
    }
  }
  return Filled;
}

/** Rotation, resizing, effects and render bounds: Figma's LayoutMixin and BlendMixin. */
function withLayout<Base extends NodeClass>(base: Base) {
  abstract class Laid extends base {
    get rotation(): number {
      return this.turn;
    }

    set rotation(degrees: number) {
      this.turn = normalizedRotation(degrees);
    }

    get effects(): readonly Effect[] {
      return this.effectList;
    }

    set effects(effects: readonly Effect[]) {
      this.effectList = frozenEffects(effects);
    }

    get absoluteRenderBounds(): Rect | null {
      return this.paintedBounds();
    }

    resize(width: number, height: number): void {
      if (width < 0.01 || height < 0.01) throw new Error('in resize: width and height must be >= 0.01');
      this.size = { width, height };
    }
  }
  return Laid;
}

/** Rectangles and ellipses: fills and layout, no children. */
export class FakeShape extends withFills(withLayout(FakeSceneNode)) {}

const WINDING_RULES = new Set(['NONZERO', 'EVENODD', 'NONE']);

/**
 * A vector (a pen path): it paints only what its vectorPaths enclose, by each path's winding rule,
 * in its own coordinates; a new vector has no vertices and paints nothing, as in Figma. Paths are
 * checked as Figma checks them (see vector-path.ts) and handed out frozen.
 */
export class FakeVector extends FakeShape {
  private paths: VectorPaths = Object.freeze([]);
  private flat: readonly FlatPath[] = [];

  get vectorPaths(): VectorPaths {
    return this.paths;
  }

  set vectorPaths(paths: VectorPaths) {
    if (!Array.isArray(paths)) throw new Error('in set_vectorPaths: Property "vectorPaths" failed validation: Expected "vectorPaths" to be an array');
    const flat = paths.map((path: VectorPath) => {
      if (!path || !WINDING_RULES.has(path.windingRule)) throw new Error('in set_vectorPaths: Property "vectorPaths" failed validation: Expected "windingRule" to be one of the allowed values for this property');
      return { windingRule: path.windingRule, polygons: flattenPathData(path.data) };
    });
    this.paths = Object.freeze(paths.map((path: VectorPath) => Object.freeze({ windingRule: path.windingRule, data: path.data })));
    this.flat = flat;
  }

  /** The paths as polygons, for the renderer. */
  get flatPaths(): readonly FlatPath[] {
    return this.flat;
  }

  override saveState(): NodeState {
    return { ...super.saveState(), vectorPaths: this.paths };
  }

  override restoreState(state: NodeState): void {
    super.restoreState(state);
    this.vectorPaths = state.vectorPaths as VectorPaths;
  }
}

/** A text layer; without fonts the emulator draws its lines as bars of its fill colour. */
export class FakeText extends withFills(withLayout(FakeSceneNode)) {
  characters = '';
  fontSize = 12;

  override saveState(): NodeState {
    return { ...super.saveState(), characters: this.characters, fontSize: this.fontSize };
  }

  override restoreState(state: NodeState): void {
    super.restoreState(state);
    this.characters = state.characters as string;
    this.fontSize = state.fontSize as number;
  }
}

/**
 * A node with children (read as a new frozen array each time, as in Figma; changed only through
 * appendChild, insertChild and remove). An instance's layers come from its main component:
 * nothing can be put into an instance or into a layer inside one.
 */
export abstract class FakeContainer extends FakeSceneNode {
  /** The children themselves, for the emulator; the plugin reads `children`. */
  readonly childNodes: FakeSceneNode[] = [];

  get children(): readonly FakeSceneNode[] {
    return Object.freeze([...this.childNodes]);
  }

  /** Whether the node hides what its children paint outside it. */
  get clips(): boolean {
    return false;
  }

  appendChild(child: FakeSceneNode): void {
    this.insertChild(this.childNodes.length, child);
  }

  insertChild(index: number, child: FakeSceneNode): void {
    for (let node: Parent | null = this; node instanceof FakeContainer; node = node.parent) {
      if (node.type === 'INSTANCE') throw new Error(INSTANCE_PARENT_ERROR);
    }
    this.addLayer(child, index);
  }

  /** The designer's own edit (also inside instances, as a main component's layers are). */
  addLayer(child: FakeSceneNode, index = this.childNodes.length): void {
    adopt(this, this.childNodes, child, index);
  }

  removeChild(child: FakeSceneNode): void {
    this.childNodes.splice(this.childNodes.indexOf(child), 1);
    pageOf(this)?.forget(child);
  }

  override paintedBounds(): Rect | null {
    const own = super.paintedBounds();
    if (!own || this.clips) return own;
    const inner = this.childNodes.map((child) => child.paintedBounds()).filter((box): box is Rect => box !== null);
    return union([own, ...inner]);
  }
}

/** Frames, components and instances: fills, layout and children, which they clip (Figma's default "Clip content"). */
export class FakeFrame extends withFills(withLayout(FakeContainer)) {
  layoutMode: 'NONE' | 'HORIZONTAL' | 'VERTICAL' = 'NONE';
  clipsContent = true;

  override get clips(): boolean {
    return this.clipsContent;
  }
}

/** A section: fills and children, but no rotation, resize, effects or render bounds, as in Figma. */
export class FakeSection extends withFills(FakeContainer) {}

/**
 * A group: no fills and no box of its own; it is the bounds of its children, which keep their
 * positions in the group's container, and it goes away with its last child, as Figma's does.
 */
export class FakeGroup extends withLayout(FakeContainer) {
  private localBox(): Rect {
    const boxes = this.childNodes.map((child) => (child instanceof FakeGroup ? child.localBox() : boundsOf(child.relativeTransform, { x: 0, y: 0, width: child.width, height: child.height })));
    return boxes.length > 0 ? union(boxes) : { x: 0, y: 0, width: 0, height: 0 };
  }

  override get x(): number {
    return this.localBox().x;
  }

  override set x(value: number) {
    const dx = value - this.x;
    for (const child of this.childNodes) child.x += dx;
  }

  override get y(): number {
    return this.localBox().y;
  }

  override set y(value: number) {
    const dy = value - this.y;
    for (const child of this.childNodes) child.y += dy;
  }

  override get width(): number {
    return this.localBox().width;
  }

  override get height(): number {
    return this.localBox().height;
  }

  override get relativeTransform(): Transform {
    return placement(this.x, this.y, 0);
  }

  override get rotation(): number {
    return 0;
  }

  override set rotation(_degrees: number) {
    throw new Error('The emulator does not rotate groups: rotate the layers in it');
  }

  override removeChild(child: FakeSceneNode): void {
    super.removeChild(child);
    if (this.childNodes.length === 0) this.remove();
  }

  /** Scales the children into the new size, as resizing a group in Figma does. */
  override resize(width: number, height: number): void {
    if (width < 0.01 || height < 0.01) throw new Error('in resize: width and height must be >= 0.01');
    const { x, y, width: oldWidth, height: oldHeight } = this.localBox();
    const [sx, sy] = [width / oldWidth, height / oldHeight];
    for (const child of this.childNodes) {
      child.x = x + (child.x - x) * sx;
      child.y = y + (child.y - y) * sy;
      if ('resize' in child) (child as FakeShape).resize(child.width * sx, child.height * sy);
    }
  }
}

/** Moves a node to `index` of a parent's children, out of wherever it was, as Figma's insertChild does. */
export function adopt(parent: Parent, list: FakeSceneNode[], child: FakeSceneNode, index = list.length): void {
  child.parent?.removeChild(child);
  child.parent = parent;
  list.splice(Math.min(index, list.length), 0, child);
}

/** Every kind of scene node the fake makes. */
export type FakeNode = FakeShape | FakeVector | FakeText | FakeFrame | FakeSection | FakeGroup;
