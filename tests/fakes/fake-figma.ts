import { decode } from 'fast-png';
import type { FigmaApi } from '../../plugin/figma-api';
import { readPngSize } from '../../shared/png-size';
import { solidPng } from './png';

/**
 * A fake of the Figma plugin API as the sandbox uses it, behaving as Figma documents: exports are
 * real PNGs that honour the export constraint, createImage decodes the bytes and rejects
 * non-images and images over 4096 px, clientStorage keeps structured copies.
 */

const MAX_IMAGE_SIDE = 4096;
let nextId = 1;

type Rgb = readonly [number, number, number];
type Parent = FakePage | FakeFrame;

class FakeSceneNode {
  readonly id = `1:${nextId++}`;
  parent: Parent | null = null;
  fills: readonly Paint[] = [];
  private readonly pluginData = new Map<string, string>();
  relaunchData: Record<string, string> = {};

  constructor(
    public readonly type: 'FRAME' | 'RECTANGLE',
    public name: string,
    public x: number,
    public y: number,
    public width: number,
    public height: number,
    public color: Rgb = [200, 200, 200],
  ) {}

  get absoluteBoundingBox(): Rect {
    const origin = this.parent instanceof FakeFrame ? this.parent.absoluteBoundingBox : { x: 0, y: 0 };
    return { x: origin.x + this.x, y: origin.y + this.y, width: this.width, height: this.height };
  }

  get absoluteRenderBounds(): Rect {
    return this.absoluteBoundingBox;
  }

  resize(width: number, height: number): void {
    if (width < 0.01 || height < 0.01) throw new Error('in resize: width and height must be >= 0.01');
    this.width = width;
    this.height = height;
  }

  setPluginData(key: string, value: string): void {
    this.pluginData.set(key, value);
  }

  getPluginData(key: string): string {
    return this.pluginData.get(key) ?? '';
  }

  setRelaunchData(data: Record<string, string>): void {
    this.relaunchData = { ...data };
  }

  async exportAsync(settings?: ExportSettings): Promise<Uint8Array> {
    if (settings && settings.format !== 'PNG') throw new Error('The fake exports PNG only');
    const constraint = settings?.constraint ?? { type: 'SCALE', value: 1 };
    const scale =
      constraint.type === 'SCALE'
        ? constraint.value
        : constraint.type === 'WIDTH'
          ? constraint.value / this.width
          : constraint.value / this.height;
    return solidPng(Math.max(1, Math.round(this.width * scale)), Math.max(1, Math.round(this.height * scale)), this.color);
  }
}

export class FakeFrame extends FakeSceneNode {
  readonly children: FakeSceneNode[] = [];
  layoutMode: 'NONE' | 'HORIZONTAL' | 'VERTICAL' = 'NONE';

  appendChild(child: FakeSceneNode): void {
    child.parent?.removeChild(child);
    child.parent = this;
    this.children.push(child);
  }

  removeChild(child: FakeSceneNode): void {
    this.children.splice(this.children.indexOf(child), 1);
  }
}

export class FakePage {
  readonly type = 'PAGE';
  readonly id = `0:${nextId++}`;
  readonly parent = null;
  readonly children: FakeSceneNode[] = [];
  private currentSelection: FakeSceneNode[] = [];
  loaded = true;

  constructor(
    public name: string,
    private readonly onSelectionChange: () => void,
  ) {}

  get selection(): FakeSceneNode[] {
    return this.currentSelection;
  }

  set selection(nodes: FakeSceneNode[]) {
    this.currentSelection = [...nodes];
    queueMicrotask(this.onSelectionChange);
  }

  appendChild(child: FakeSceneNode): void {
    child.parent?.removeChild(child);
    child.parent = this;
    this.children.push(child);
  }

  removeChild(child: FakeSceneNode): void {
    this.children.splice(this.children.indexOf(child), 1);
  }

  async loadAsync(): Promise<void> {
    this.loaded = true;
  }
}

class FakeImage implements Image {
  constructor(
    readonly hash: string,
    private readonly bytes: Uint8Array,
    private readonly size: { width: number; height: number },
  ) {}

  async getBytesAsync(): Promise<Uint8Array> {
    return this.bytes;
  }

  async getSizeAsync(): Promise<{ width: number; height: number }> {
    return this.size;
  }
}

export class FakeFigma implements FigmaApi {
  /** Everything the sandbox posted to the UI, in order. */
  readonly posted: unknown[] = [];
  readonly storage = new Map<string, unknown>();
  readonly images = new Map<string, FakeImage>();
  readonly scrolledTo: FakeSceneNode[][] = [];
  readonly notifications: { message: string; error: boolean }[] = [];
  readonly mixed: FigmaApi['mixed'] = Symbol('mixed') as FigmaApi['mixed'];
  panelSize = { width: 360, height: 640 };
  closedWith: string | undefined | null = null;
  private readonly selectionListeners: (() => void)[] = [];
  private readonly postListeners: ((message: unknown) => void)[] = [];
  readonly currentPage: PageNode;
  readonly page: FakePage;

  constructor() {
    this.page = new FakePage('Page 1', () => this.selectionListeners.forEach((listener) => listener()));
    this.currentPage = this.page as unknown as PageNode;
  }

  readonly ui: FigmaApi['ui'] = {
    postMessage: (message: unknown) => {
      this.posted.push(structuredClone(message));
      this.postListeners.forEach((listener) => listener(message));
    },
    onmessage: undefined,
    resize: (width: number, height: number) => {
      this.panelSize = { width, height };
    },
  };

  readonly clientStorage: FigmaApi['clientStorage'] = {
    getAsync: async (key: string) => structuredClone(this.storage.get(key)),
    setAsync: async (key: string, value: unknown) => {
      this.storage.set(key, structuredClone(value));
    },
  };

  readonly viewport: FigmaApi['viewport'] = {
    center: { x: 500, y: 400 },
    scrollAndZoomIntoView: (nodes: readonly BaseNode[]) => {
      this.scrolledTo.push(nodes as unknown as FakeSceneNode[]);
    },
  };

  notify(message: string, options?: NotificationOptions): NotificationHandler {
    this.notifications.push({ message, error: Boolean(options?.error) });
    return { cancel: () => {} };
  }

  closePlugin(message?: string): void {
    this.closedWith = message;
  }

  on(type: 'selectionchange', callback: () => void): void {
    if (type === 'selectionchange') this.selectionListeners.push(callback);
  }

  createImage(data: Uint8Array): Image {
    const size = readPngSize(data);
    if (!size) throw new Error('Image type is unsupported');
    if (size.width > MAX_IMAGE_SIDE || size.height > MAX_IMAGE_SIDE) {
      throw new Error(`Image is too large: ${size.width}×${size.height} exceeds 4096×4096`);
    }
    decode(data); // throws on a truncated or corrupt PNG, as Figma does
    const hash = `hash-${this.images.size + 1}`;
    const image = new FakeImage(hash, data, size);
    this.images.set(hash, image);
    return image;
  }

  createRectangle(): RectangleNode {
    const rectangle = new FakeSceneNode('RECTANGLE', 'Rectangle', 0, 0, 100, 100);
    this.page.appendChild(rectangle);
    return rectangle as unknown as RectangleNode;
  }

  async getNodeByIdAsync(id: string): Promise<BaseNode | null> {
    const find = (nodes: readonly FakeSceneNode[]): FakeSceneNode | undefined => {
      for (const node of nodes) {
        if (node.id === id) return node;
        const inner = node instanceof FakeFrame ? find(node.children) : undefined;
        if (inner) return inner;
      }
      return undefined;
    };
    return (find(this.page.children) as unknown as BaseNode) ?? null;
  }

  // Test controls, not part of Figma's API.

  addFrame(name: string, box: { x: number; y: number; width: number; height: number }, color?: Rgb, parent?: FakeFrame): FakeFrame {
    const frame = new FakeFrame('FRAME', name, box.x, box.y, box.width, box.height, color);
    (parent ?? this.page).appendChild(frame);
    return frame;
  }

  select(...nodes: FakeSceneNode[]): void {
    this.page.selection = nodes;
  }

  /** Delivers a message from the UI, as figma.ui.onmessage receives it. */
  async sendFromUi(message: unknown): Promise<void> {
    await (this.ui.onmessage as ((message: unknown, props: OnMessageProperties) => unknown) | undefined)?.(message, { origin: 'null' });
  }

  onPost(listener: (message: unknown) => void): void {
    this.postListeners.push(listener);
  }

  messagesOfType<T extends { type: string }>(type: T['type']): T[] {
    return this.posted.filter((message): message is T => (message as { type?: string }).type === type);
  }
}

export type { FakeSceneNode };
