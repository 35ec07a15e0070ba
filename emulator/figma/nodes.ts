import { encode } from 'fast-png';
import { type ImageSource, imagesOf, renderNode } from './render';

let nextId = 1;

export type Rgb = readonly [number, number, number];
type Parent = FakePage | FakeFrame;

/** A solid paint from 0–255 channels, as designers pick colours. */
export function solidPaint([r, g, b]: Rgb): SolidPaint {
  return { type: 'SOLID', color: { r: r / 255, g: g / 255, b: b / 255 } };
}

/** The scene nodes the plugin meets: frames, rectangles and ellipses with paints, plugin data and PNG export. */
export class FakeSceneNode {
  readonly id = `1:${nextId++}`;
  parent: Parent | null = null;
  fills: readonly Paint[] = [];
  visible = true;
  relaunchData: Record<string, string> = {};
  private readonly pluginData = new Map<string, string>();

  constructor(
    public readonly type: 'FRAME' | 'RECTANGLE' | 'ELLIPSE',
    public name: string,
    public x: number,
    public y: number,
    public width: number,
    public height: number,
    protected readonly images: ImageSource,
  ) {}

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
  }

  setPluginData(key: string, value: string): void {
    if (value === '') this.pluginData.delete(key);
    else this.pluginData.set(key, value);
  }

  getPluginData(key: string): string {
    return this.pluginData.get(key) ?? '';
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
    const { width, height, rgba } = renderNode(this, scale, await imagesOf(this, this.images));
    return encode({ width, height, data: rgba, channels: 4, depth: 8 });
  }
}

/** Moves a node to the end of a parent's children, out of wherever it was, as Figma's appendChild does. */
function adopt(parent: Parent, child: FakeSceneNode): void {
  child.parent?.removeChild(child);
  child.parent = parent;
  parent.children.push(child);
}

export class FakeFrame extends FakeSceneNode {
  readonly children: FakeSceneNode[] = [];
  layoutMode: 'NONE' | 'HORIZONTAL' | 'VERTICAL' = 'NONE';

  appendChild(child: FakeSceneNode): void {
    adopt(this, child);
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
    adopt(this, child);
  }

  removeChild(child: FakeSceneNode): void {
    this.children.splice(this.children.indexOf(child), 1);
    if (this.currentSelection.includes(child)) this.selection = this.currentSelection.filter((node) => node !== child);
  }

  async loadAsync(): Promise<void> {}
}
