/** What a node paints on the page (effects included), or its box when Figma gives no render bounds (a hidden node): what exportAsync exports. */
export function renderBounds(node: SceneNode): Rect {
  const painted = 'absoluteRenderBounds' in node ? node.absoluteRenderBounds : null;
  return painted ?? node.absoluteBoundingBox ?? { x: node.x, y: node.y, width: node.width, height: node.height };
}
