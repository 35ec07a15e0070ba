import { describe, expect, it } from 'vitest';
import { type CpuProfile, hotFunctions } from '../../bench/cpu-profile';

const frame = (functionName: string, url = '', lineNumber = -1) => ({ functionName, url, lineNumber });

// Samples every 1,000 µs from t = 10,000: idle, parse, parse, gc, parse, idle.
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(idle)') },
    { id: 2, callFrame: frame('parseEditForm', 'file:///repo/relay/edit-request.ts', 18) },
    { id: 3, callFrame: frame('(garbage collector)') },
  ],
  startTime: 9_000,
  samples: [1, 2, 2, 3, 2, 1],
  timeDeltas: [1_000, 1_000, 1_000, 1_000, 1_000, 1_000],
};

describe('CPU profile summary', () => {
  it('adds up self time per function, heaviest first, without idle time', () => {
    expect(hotFunctions(profile, 0, 20_000, 10)).toEqual({
      busyMs: 4,
      top: [
        { name: 'parseEditForm relay/edit-request.ts:19', ms: 3 },
        { name: '(garbage collector)', ms: 1 },
      ],
    });
  });

  it('counts only the samples taken inside the window', () => {
    expect(hotFunctions(profile, 12_500, 14_500, 10).top).toEqual([
      { name: '(garbage collector)', ms: 1 },
      { name: 'parseEditForm relay/edit-request.ts:19', ms: 1 },
    ]);
  });

  it('keeps only the requested number of functions', () => {
    expect(hotFunctions(profile, 0, 20_000, 1).top).toHaveLength(1);
  });
});
