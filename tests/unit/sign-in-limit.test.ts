import { describe, expect, it } from 'vitest';
import { SignInLimit } from '../../relay/admin/sign-in-limit';

const SECOND = 1000;

/** A limit on a clock the test moves, and a way to fail from an address at a given second. */
function limitAt() {
  let time = 0;
  const limit = new SignInLimit(() => time);
  return {
    limit,
    at(seconds: number) {
      time = seconds * SECOND;
      return limit;
    },
  };
}

describe('SignInLimit', () => {
  it('lets an address try while it has fewer than five wrong tries in a minute', () => {
    const { at } = limitAt();
    for (const second of [0, 10, 20, 30]) at(second).failed('203.0.113.7');
    expect(at(31).waitSeconds('203.0.113.7')).toBe(0);
  });

  it('makes the fifth wrong try in a minute wait a whole minute from it, saying the seconds left exactly', () => {
    const { at } = limitAt();
    for (const second of [0, 10, 20, 30, 40]) at(second).failed('203.0.113.7');
    expect(at(40).waitSeconds('203.0.113.7')).toBe(60);
    expect(at(41).waitSeconds('203.0.113.7')).toBe(59);
    // The first try has left the minute, but the wait is the minute the page said.
    expect(at(60).waitSeconds('203.0.113.7')).toBe(40);
    expect(at(99.2).waitSeconds('203.0.113.7')).toBe(1);
    expect(at(100).waitSeconds('203.0.113.7')).toBe(0);
  });

  it('starts the count again after the wait: four more wrong tries do not lock, the fifth does', () => {
    const { at } = limitAt();
    for (const second of [0, 1, 2, 3, 4]) at(second).failed('203.0.113.7');
    for (const second of [64, 65, 66, 67]) {
      expect(at(second).waitSeconds('203.0.113.7')).toBe(0);
      at(second).failed('203.0.113.7');
    }
    expect(at(67.5).waitSeconds('203.0.113.7')).toBe(0);
    at(68).failed('203.0.113.7');
    expect(at(68).waitSeconds('203.0.113.7')).toBe(60);
  });

  it('counts each address on its own', () => {
    const { at } = limitAt();
    for (const second of [0, 1, 2, 3, 4]) at(second).failed('203.0.113.7');
    expect(at(5).waitSeconds('203.0.113.7')).toBe(59);
    expect(at(5).waitSeconds('198.51.100.2')).toBe(0);
  });

  it('forgets addresses whose tries and wait have passed, so a stream of new addresses cannot fill the memory', () => {
    const { limit, at } = limitAt();
    for (let i = 0; i < 1000; i++) at(0).failed(`10.0.${i >> 8}.${i & 255}`);
    for (const second of [0, 1, 2, 3, 4]) at(second).failed('203.0.113.7');
    expect(limit.size).toBe(1001);
    // A minute on, the locked address still waits (until 64 s); the others' tries are over.
    at(61).failed('198.51.100.2');
    expect(limit.size).toBe(2);
    expect(at(61).waitSeconds('203.0.113.7')).toBe(3);
    at(125).failed('198.51.100.3');
    expect(limit.size).toBe(1);
  });
});
