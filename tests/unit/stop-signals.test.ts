import { describe, expect, it } from 'vitest';
import { SAME_SIGNAL_MS, stopSignals } from '../../relay/stop-signals';

describe('stopSignals', () => {
  it('drains on the first signal and takes repeats within a couple of seconds as the same one', () => {
    let clock = 1000;
    const next = stopSignals(() => clock);
    expect(next()).toBe('drain');
    clock += 3;
    expect(next()).toBe('echo');
    clock += SAME_SIGNAL_MS - 10;
    expect(next()).toBe('echo');
  });

  it('stops at once on a signal that comes later, from the operator', () => {
    let clock = 1000;
    const next = stopSignals(() => clock);
    next();
    clock += SAME_SIGNAL_MS;
    expect(next()).toBe('now');
  });
});
