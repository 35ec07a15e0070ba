import { adopt, FakeBaseNode, FakeContainer, type FakeFile, FakeSceneNode, pageOf } from './nodes';

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
    return Object.freeze([...this.childNodes]);
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
      for (let current: FakeSceneNode | null = node; current; current = current.parent instanceof FakeContainer ? current.parent : null) {
        if (current === child) return false;
      }
      return true;
    });
    if (kept.length !== this.currentSelection.length) this.selection = kept;
  }

  /** Drops nodes that are no longer on the page (after an undo) from the selection. */
  forgetMissing(): void {
    const kept = this.currentSelection.filter((node) => !node.removed && pageOf(node) === this);
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
    return Object.freeze([...this.pages]);
  }

  appendChild(page: FakePage): void {
    if (!(page instanceof FakePage)) throw new Error('in appendChild: The document can only contain pages');
    page.parent = this;
    this.pages.push(page);
  }
}
