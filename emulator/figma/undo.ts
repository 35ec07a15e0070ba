import type { FakeDocument, FakePage } from './document';
import { FakeContainer, type FakeSceneNode, type NodeState } from './nodes';

/** The whole document at one moment: every node's values and where every node sits. */
interface Snapshot {
  nodes: Map<FakeSceneNode, NodeState>;
  layers: Map<FakePage | FakeContainer, FakeSceneNode[]>;
  pages: Map<FakePage, NodeState>;
  /** The same, as text, to tell whether anything changed since. */
  signature: string;
}

function take(document: FakeDocument): Snapshot {
  const nodes = new Map<FakeSceneNode, NodeState>();
  const layers = new Map<FakePage | FakeContainer, FakeSceneNode[]>();
  const pages = new Map<FakePage, NodeState>();
  const visit = (parent: FakePage | FakeContainer) => {
    layers.set(parent, [...parent.childNodes]);
    for (const child of parent.childNodes) {
      nodes.set(child, child.saveState());
      if (child instanceof FakeContainer) visit(child);
    }
  };
  for (const page of document.children) {
    pages.set(page, page.saveState());
    visit(page);
  }
  const signature = JSON.stringify([
    [...pages].map(([page, state]) => [page.id, state]),
    [...layers].map(([parent, children]) => [parent.id, children.map((child) => child.id)]),
    [...nodes].map(([node, state]) => [node.id, state]),
  ]);
  return { nodes, layers, pages, signature };
}

function restore(document: FakeDocument, snapshot: Snapshot): void {
  const before = take(document);
  for (const node of before.nodes.keys()) {
    if (!snapshot.nodes.has(node)) {
      node.parent = null;
      node.removed = true;
    }
  }
  for (const [page, state] of snapshot.pages) page.restoreState(state);
  for (const [parent, children] of snapshot.layers) {
    parent.childNodes.splice(0, parent.childNodes.length, ...children);
    for (const child of children) {
      child.parent = parent;
      child.removed = false;
    }
  }
  for (const [node, state] of snapshot.nodes) node.restoreState(state);
  for (const page of document.children) page.forgetMissing();
}

/**
 * Figma's undo history as a plugin sees it: `commitUndo` ends an undo step; `triggerUndo` reverts
 * to the last committed state, or, when nothing changed since, to the one before. Plugin changes
 * that were never committed merge with whatever came before them into one step.
 */
export class UndoHistory {
  private readonly checkpoints: Snapshot[];

  constructor(private readonly document: FakeDocument) {
    this.checkpoints = [take(document)];
  }

  commit(): void {
    const now = take(this.document);
    if (now.signature !== this.latest().signature) this.checkpoints.push(now);
  }

  undo(): void {
    if (take(this.document).signature === this.latest().signature && this.checkpoints.length > 1) this.checkpoints.pop();
    restore(this.document, this.latest());
  }

  private latest(): Snapshot {
    return this.checkpoints[this.checkpoints.length - 1];
  }
}
