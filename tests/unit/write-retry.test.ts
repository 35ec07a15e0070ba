import { describe, expect, it } from 'vitest';
import { withRetries } from '../../relay/write-retry';

describe('withRetries', () => {
  it('writes again after each delay until the write succeeds', async () => {
    const waits: number[] = [];
    let attempts = 0;
    await withRetries(
      async () => {
        if (++attempts < 3) throw new Error('ENOSPC: no space left on device');
      },
      [10, 20, 40],
      async (ms) => void waits.push(ms),
    );
    expect(attempts).toBe(3);
    expect(waits).toEqual([10, 20]);
  });

  it('gives up with the last error once the delays are used up', async () => {
    let attempts = 0;
    const write = async () => {
      throw new Error(`ENOSPC ${++attempts}`);
    };
    await expect(withRetries(write, [10, 20], async () => undefined)).rejects.toThrow('ENOSPC 3');
  });
});
