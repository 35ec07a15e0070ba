import type { HistoryEntry } from '../shared/protocol';
import type { ImageSize } from '../shared/sizes';

/** Typical gpt-image-2 times by size until this user has history of their own. */
const DEFAULT_SECONDS: Record<ImageSize, number> = {
  auto: 90,
  '1024x1024': 75,
  '1536x1024': 90,
  '1024x1536': 90,
  '1536x1152': 90,
  '1152x1536': 90,
  '2048x2048': 120,
  '2048x1152': 120,
  '3840x2160': 180,
  '2160x3840': 180,
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The median of this user's past durations for the size, in whole seconds, or a sensible default. */
export function expectedSeconds(history: readonly Pick<HistoryEntry, 'size' | 'durationMs'>[], size: ImageSize): number {
  const durations = history.filter((entry) => entry.size === size && entry.durationMs > 0).map((entry) => entry.durationMs);
  return durations.length > 0 ? Math.round(median(durations) / 1000) : DEFAULT_SECONDS[size];
}

/** How far along a request looks: never full before it is done, so an overrun reads as "almost", not "stuck at 100%". */
export function progressFraction(elapsedSeconds: number, expected: number): number {
  return Math.min(0.95, elapsedSeconds / Math.max(1, expected));
}

export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  return whole < 60 ? `${whole} s` : `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
}
