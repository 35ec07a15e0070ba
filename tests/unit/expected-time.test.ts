import { describe, expect, it } from 'vitest';
import { expectedSeconds, formatDuration, progressFraction } from '../../ui/expected-time';

describe('expected generation time', () => {
  it('uses a sensible default per size until there is history', () => {
    expect(expectedSeconds([], '1024x1024')).toBe(75);
    expect(expectedSeconds([], '3840x2160')).toBe(180);
  });

  it('is the median of this user’s past durations for that size', () => {
    const history = [
      { size: '1024x1024' as const, durationMs: 50_000 },
      { size: '1024x1024' as const, durationMs: 70_000 },
      { size: '1024x1024' as const, durationMs: 200_000 },
      { size: '2048x2048' as const, durationMs: 10_000 },
    ];
    expect(expectedSeconds(history, '1024x1024')).toBe(70);
    expect(expectedSeconds(history.slice(0, 2), '1024x1024')).toBe(60);
  });

  it('never shows a request as complete before it is', () => {
    expect(progressFraction(30, 60)).toBe(0.5);
    expect(progressFraction(500, 60)).toBe(0.95);
  });

  it('formats seconds for people', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(125)).toBe('2 min 05 s');
  });
});
