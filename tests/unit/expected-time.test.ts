import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../shared/protocol';
import { sizeTier } from '../../shared/sizes';
import { expectedSeconds, formatDuration, overrunText, progressOf } from '../../ui/expected-time';

type Timed = Pick<HistoryEntry, 'size' | 'durationMs' | 'mode'>;

describe('expected generation time', () => {
  it('starts a live relay from what the provider documents (60 to 200 s), longer for larger sizes', () => {
    expect(expectedSeconds([], '1024x1024', 'live')).toBe(90);
    expect(expectedSeconds([], '2048x1152', 'live')).toBe(130);
    expect(expectedSeconds([], '3840x2160', 'live')).toBe(200);
    expect(expectedSeconds([], '1024x1024', 'demo')).toBe(5);
  });

  it('never learns a live estimate from demo runs, nor from entries that did not record their mode', () => {
    const demoRuns: Timed[] = [
      { size: '1024x1024', durationMs: 2_000, mode: 'demo' },
      { size: '1024x1024', durationMs: 1_500, mode: 'demo' },
      { size: '1024x1024', durationMs: 2_400 },
    ];
    expect(expectedSeconds(demoRuns, '1024x1024', 'live')).toBe(90);
    expect(expectedSeconds(demoRuns, '1024x1024', 'demo')).toBe(2);
  });

  it('is the median of the live runs of the same size tier', () => {
    const history: Timed[] = [
      { size: '1024x1024', durationMs: 64_000, mode: 'live' },
      { size: '1536x1024', durationMs: 131_000, mode: 'live' },
      { size: '1024x1536', durationMs: 97_000, mode: 'live' },
      { size: '3840x2160', durationMs: 246_000, mode: 'live' },
      { size: '1024x1024', durationMs: 3_000, mode: 'demo' },
    ];
    expect(expectedSeconds(history, '1152x1536', 'live')).toBe(97);
    expect(expectedSeconds(history, '2160x3840', 'live')).toBe(246);
    expect(expectedSeconds(history.slice(0, 2), '1024x1024', 'live')).toBe(98);
    expect(sizeTier('auto')).toBe('standard');
    expect(sizeTier('2048x2048')).toBe('2k');
  });

  it('shows a fraction within the estimate and no frozen bar past it', () => {
    expect(progressOf(45, 90)).toEqual({ kind: 'estimate', fraction: 0.5 });
    expect(progressOf(90, 90)).toEqual({ kind: 'estimate', fraction: 1 });
    expect(progressOf(91, 90)).toEqual({ kind: 'overrun' });
    expect(progressOf(273, 90)).toEqual({ kind: 'overrun' });
  });

  it('says how long so far, and that closing Reimage loses nothing', () => {
    expect(overrunText(273)).toBe('Taking longer than usual (4 min 33 s so far). You can close Reimage: the image is placed when you open this file again.');
  });

  it('formats seconds for people', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(125)).toBe('2 min 05 s');
  });
});
