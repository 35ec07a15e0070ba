/** The page a node is on; undefined for one no longer in the document. */
export function pageOf(node: BaseNode): PageNode | undefined {
  let current: BaseNode | null = node;
  while (current && current.type !== 'PAGE') current = current.parent;
  return current ?? undefined;
}

const MAX_PAGE_NAME_CHARS = 40;

/** A page's name for a notification, quoted and short enough to leave room for the rest (Figma cuts notices at 100 characters). */
export function quotedPageName(page: PageNode): string {
  const chars = Array.from(page.name);
  return `“${chars.length > MAX_PAGE_NAME_CHARS ? `${chars.slice(0, MAX_PAGE_NAME_CHARS - 1).join('')}…` : page.name}”`;
}
