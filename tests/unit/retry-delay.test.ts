import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../ui/retry-delay';

describe('retryDelayMs', () => {
  it('doubles the wait after each consecutive failed poll, starting at one second', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never waits more than 30 seconds, however long the relay stays away', () => {
    expect(retryDelayMs(6)).toBe(30_000);
    expect(retryDelayMs(100)).toBe(30_000);
  });

  it('scales from a shorter first delay when one is given', () => {
    expect(retryDelayMs(3, 10)).toBe(40);
  });
});
