/**
 * A layer's fills with the image on top (Figma paints the last fill topmost) and the old fills
 * kept underneath, hidden, so reverting is showing them again. FIT keeps an image of another
 * aspect whole instead of stretching it.
 */
export function fillsWithImageOnTop(fills: readonly Paint[], imageHash: string): Paint[] {
  return [...fills.map((fill) => ({ ...fill, visible: false })), { type: 'IMAGE', imageHash, scaleMode: 'FIT' }];
}
