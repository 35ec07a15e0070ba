/**
 * A layer's fills with the new image as its top fill (Figma paints the last fill topmost).
 * When the top visible fill is already an image, only its image changes, so its scale mode,
 * crop, transform, filters and opacity stay as the designer set them. Otherwise the image goes
 * on top, fitted (FIT keeps an image of another aspect whole rather than stretching it), and the
 * old fills stay underneath, hidden, so reverting is showing them again.
 */
export function fillsWithImageOnTop(fills: readonly Paint[], imageHash: string): Paint[] {
  let topIndex = fills.length - 1;
  while (topIndex >= 0 && fills[topIndex].visible === false) topIndex--;
  const top = fills[topIndex];
  if (top?.type === 'IMAGE') return fills.map((fill, i) => (i === topIndex ? { ...top, imageHash } : fill));
  return [...fills.map((fill) => ({ ...fill, visible: false })), { type: 'IMAGE', imageHash, scaleMode: 'FIT' }];
}
