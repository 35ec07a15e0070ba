import type { RegionSelection, UiMessage } from '../shared/protocol';
import type { RequestLimits } from '../shared/request-limits';
import { formatDuration } from './expected-time';
import { maxLayers, requestProblem } from './request-check';
import type { VariantState } from './variant-run';

/**
 * Quick edit runs from Quick Actions with the panel hidden: whatever happens, the run ends with a
 * notification that says so (an error one saying what to do) and closes the plugin, so it never
 * sits there unseen. The sandbox fits the texts to Figma's notifications.
 */
export type QuickEditEnding = Omit<Extract<UiMessage, { type: 'close' }>, 'type'>;

export function quickEditFailed(problem: string): QuickEditEnding {
  return { message: `Reimage: ${problem}`, error: true };
}

/** Why Quick edit cannot start with this many layers selected (it edits layers: none is a mistake too). */
export function quickEditSelectionProblem(count: number, maxLayers: number): string | undefined {
  if (count === 0) return `Select 1 to ${maxLayers} layers to edit, then run Quick edit again.`;
  if (count > maxLayers) return `Select at most ${maxLayers} layers (${count} are selected), then run Quick edit again.`;
  return undefined;
}

/**
 * What Quick edit makes of the selection, as the panel would: a layer and a shape over it is an edit
 * inside the shape (the panel ticks it for such a selection; it sends one image, the part around
 * the shape, at the size closest to that part's ratio), anything else an edit of the selected
 * layers; or why it cannot start.
 */
export function quickEditStart(
  selectionCount: number,
  region: RegionSelection | undefined,
  prompt: string,
  limits: RequestLimits | undefined,
): { inShape: boolean } | { problem: string } {
  const inShape = region !== undefined && !('problem' in region);
  const problem = (inShape ? undefined : quickEditSelectionProblem(selectionCount, maxLayers(limits))) ?? requestProblem(inShape ? 1 : selectionCount, prompt, limits);
  return problem ? { problem } : { inShape };
}

/** How often the progress notification is shown again while the image is on its way. */
export const QUICK_EDIT_NOTIFY_EVERY_MS = 15_000;

/**
 * The progress notification: at once when the request leaves ("Generating…"), then every 15 s with
 * the time so far, each with Cancel, so the designer sees the run and can stop it.
 */
export function quickEditProgress(elapsedSeconds: number): Extract<UiMessage, { type: 'notify' }> {
  const message = elapsedSeconds < 1 ? 'Reimage: generating…' : `Reimage: generating… ${formatDuration(elapsedSeconds)}`;
  return { type: 'notify', message, button: { text: 'Cancel', action: 'cancel' } };
}

/** How a Quick edit ends once its one image settled. */
export function quickEditEnding(final: VariantState): QuickEditEnding {
  if (final.phase === 'placed') return { message: 'Reimage: the image is on the canvas.' };
  // The job stays pending when Figma cannot place its image: the next run of Reimage tries again.
  if (final.phase === 'failed' && final.unplaced) return quickEditFailed("Figma couldn't place the image. Open Reimage to place it again or download it.");
  if (final.phase === 'failed') return quickEditFailed(final.message);
  return { message: 'Reimage: cancelled. Nothing was placed.' };
}
