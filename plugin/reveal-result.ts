import type { FigmaApi } from './figma-api';
import { pageOf, quotedPageName } from './pages';

/** How long a notification with a Show button stays up: long enough to notice it and press. */
export const SHOW_NOTICE_MS = 10_000;

/** Placed results, and the layers they were made from (the selection when Generate was pressed). */
export interface PlacedResults {
  page: PageNode;
  nodes: SceneNode[];
  sourceNodeIds: readonly string[];
}

/** The notice for results the designer is not looking at: how many, and their page when it is not the current one. */
export function placedNotice(count: number, page: PageNode | undefined): string {
  const what = count === 1 ? 'image' : `${count} images`;
  return `Reimage: ${what} placed${page ? ` on page ${quotedPageName(page)}` : ''}`;
}

function sameNodes(nodes: readonly SceneNode[], ids: readonly string[]): boolean {
  return nodes.length === ids.length && nodes.every((node) => ids.includes(node.id));
}

/**
 * Results land minutes after Generate. One takes the canvas (selected, scrolled into view) only
 * while the designer has not moved on: they are on its page and their selection is still the
 * layers it was made from, or what Reimage itself selected last. Otherwise their selection and
 * view stay as they are, and a notification says where the result is, with a Show button that
 * goes there.
 */
export function createRevealer(figma: FigmaApi) {
  let ownSelection: readonly string[] = [];

  function select(page: PageNode, nodes: SceneNode[]): void {
    page.selection = nodes;
    figma.viewport.scrollAndZoomIntoView(nodes);
    ownSelection = nodes.map((node) => node.id);
  }

  async function show(nodes: readonly SceneNode[]): Promise<void> {
    const present = nodes.filter((node) => !node.removed);
    const page = present.length > 0 ? pageOf(present[0]) : undefined;
    if (!page) {
      figma.notify('Reimage: that image is no longer in the file (deleted or undone).', { error: true });
      return;
    }
    if (page !== figma.currentPage) await figma.setCurrentPageAsync(page);
    select(page, present.filter((node) => pageOf(node) === page));
  }

  return {
    /** Records a selection Reimage made itself, so a result landing next may follow it. */
    selected(nodes: readonly SceneNode[]): void {
      ownSelection = nodes.map((node) => node.id);
    },

    /**
     * Shows the results if the designer has not moved on (with `notify`, the panel's own notice,
     * when it asked for one); else offers Show, unless `deferNotice` (a batch offers one Show for
     * all its results once they are arranged).
     */
    reveal({ page, nodes, sourceNodeIds }: PlacedResults, options: { notify?: string; deferNotice?: boolean } = {}): void {
      const selection = figma.currentPage.selection;
      const untouched = page === figma.currentPage && (sameNodes(selection, sourceNodeIds) || sameNodes(selection, ownSelection));
      if (untouched) {
        select(page, nodes);
        if (options.notify) figma.notify(options.notify);
        return;
      }
      if (options.deferNotice) return;
      figma.notify(placedNotice(nodes.length, page === figma.currentPage ? undefined : page), {
        timeout: SHOW_NOTICE_MS,
        button: {
          text: 'Show',
          action: () => {
            show(nodes).catch((error: unknown) => figma.notify(`Reimage couldn’t show the image: ${error instanceof Error ? error.message : String(error)}`, { error: true }));
          },
        },
      });
    },
  };
}

export type Revealer = ReturnType<typeof createRevealer>;
