export const MAX_REFERENCE_SIDE = 2048;

/** Export at 1x, or scaled down so the longest side is at most 2048 px: never the huge 2x/4x sizes. */
export function exportScale(width: number, height: number, maxSide = MAX_REFERENCE_SIDE): number {
  const longest = Math.max(width, height);
  return longest > maxSide ? maxSide / longest : 1;
}
