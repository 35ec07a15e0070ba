import { describe, expect, it } from 'vitest';
import { encodeRows, encodingRows } from '../../ui/png-encoder';
import { featheredMask, feathering } from '../../ui/region-mask';
import { allAtOnce, inSlices, type Pieces, slicer } from '../../ui/time-slices';

/** Work of `pieces` pieces, each taking `msEach` on the fake clock, ending with how many ran. */
function* work(pieces: number, msEach: number, clock: { ms: number }, log: string[]): Pieces<number> {
  for (let i = 0; i < pieces; i++) {
    clock.ms += msEach;
    log.push(`piece ${i}`);
    yield;
  }
  return pieces;
}

describe('time slices', () => {
  it('runs the work to its end at once', () => {
    const log: string[] = [];
    expect(allAtOnce(work(5, 3, { ms: 0 }, log))).toBe(5);
    expect(log).toHaveLength(5);
  });

  it('gives the thread back whenever a slice is used up, and only then', async () => {
    const clock = { ms: 0 };
    const log: string[] = [];
    const pause = async () => void log.push('pause');
    // 4 ms a piece, 12 ms a slice: a pause after every third piece.
    expect(await inSlices(work(7, 4, clock, log), slicer(12, pause, () => clock.ms))).toBe(7);
    expect(log).toEqual(['piece 0', 'piece 1', 'piece 2', 'pause', 'piece 3', 'piece 4', 'piece 5', 'pause', 'piece 6']);
  });

  it('pauses an awaiting loop only once its slice is used up', async () => {
    const clock = { ms: 0 };
    let pauses = 0;
    const breathe = slicer(10, async () => void pauses++, () => clock.ms);
    for (let i = 0; i < 6; i++) {
      clock.ms += 4;
      await breathe();
    }
    // At 12 ms and again at 24 ms (12 after the first pause).
    expect(pauses).toBe(2);
  });

  it('pauses until a later task by default, not a microtask (which would let nothing else run)', async () => {
    const order: string[] = [];
    const clock = { ms: 0 };
    const sliced = inSlices(work(2, 20, clock, order), slicer(10, undefined, () => clock.ms));
    for (let i = 0; i < 20; i++) await Promise.resolve();
    order.push('microtasks drained');
    await sliced;
    expect(order).toEqual(['piece 0', 'microtasks drained', 'piece 1']);
  });

  it('makes the same pixels and bytes in slices as at once', async () => {
    const width = 64;
    const rows = 50;
    const pixels = Uint8Array.from({ length: width * rows * 4 }, (_, i) => (i * 7919) % 251);
    const sliced = await inSlices(encodingRows(pixels, width, rows), slicer(0));
    const whole = encodeRows(pixels, width, rows);
    expect(Buffer.from(sliced.deflated).equals(Buffer.from(whole.deflated))).toBe(true);
    expect([sliced.crc, sliced.adler]).toEqual([whole.crc, whole.adler]);
    const alpha = Uint8ClampedArray.from({ length: 80 * 70 }, (_, i) => (i % 80 > 20 && i % 80 < 60 ? 255 : 0));
    expect([...(await inSlices(feathering(alpha, 80, 70, 4), slicer(0)))]).toEqual([...featheredMask(alpha, 80, 70, 4)]);
  });
});
