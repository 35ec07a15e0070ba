import type { HistoryEntry, RelayMode } from '../shared/protocol';
import { type ImageSize, type SizeTier, sizeTier } from '../shared/sizes';

/**
 * Until this user has history with a relay of this mode: the provider documents 60 to 200 s for a
 * live call, longer for larger images; the demo upstream answers at once (unless its relay was told
 * to wait, which history then learns).
 */
const DEFAULT_SECONDS: Record<RelayMode, Record<SizeTier, number>> = {
  live: { standard: 90, '2k': 130, '4k': 200 },
  demo: { standard: 5, '2k': 5, '4k': 5 },
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The median of this user's past durations with a relay of this mode, for sizes of this tier, in
 * whole seconds, or the default. Entries without a mode (from before it was recorded) are left out:
 * they may be demo runs, which would make a live estimate absurdly short.
 */
export function expectedSeconds(history: readonly Pick<HistoryEntry, 'size' | 'durationMs' | 'mode'>[], size: ImageSize, mode: RelayMode): number {
  const tier = sizeTier(size);
  const durations = history.filter((entry) => entry.mode === mode && sizeTier(entry.size) === tier && entry.durationMs > 0).map((entry) => entry.durationMs);
  return durations.length > 0 ? Math.max(1, Math.round(median(durations) / 1000)) : DEFAULT_SECONDS[mode][tier];
}

/** A bar while the request is within its estimate; past it, no fraction at all (an indeterminate bar), never one frozen near full. */
export type Progress = { kind: 'estimate'; fraction: number } | { kind: 'overrun' };

export function progressOf(elapsedSeconds: number, expected: number): Progress {
  const expectedAtLeast = Math.max(1, expected);
  if (elapsedSeconds > expectedAtLeast) return { kind: 'overrun' };
  return { kind: 'estimate', fraction: Math.max(0, elapsedSeconds / expectedAtLeast) };
}

export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  return whole < 60 ? `${whole} s` : `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
}

/** What a request past its estimate says: how long so far, and that closing Reimage loses nothing. */
export function overrunText(elapsedSeconds: number): string {
  return `Taking longer than usual (${formatDuration(elapsedSeconds)} so far). You can close Reimage: the image is placed when you open this file again.`;
}

/** A time of day as the designer's clock shows it, to the minute: when a request was made. */
export function clockTime(at: number): string {
  const date = new Date(at);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}
