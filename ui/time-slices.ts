/**
 * Long pixel work written as generators that yield between pieces (a few rows each), so one
 * function can run two ways: all at once, when a designer waits for its result (the composite once
 * the answer is in), or a few milliseconds at a time, when nobody waits for it (the preparation
 * while the model works), with the panel free between slices to draw and take clicks. A panel's
 * thread held for a third of a second after Generate is a click that seems not to have worked.
 */

export type Pieces<T> = Generator<void, T, void>;

/** Runs the work to its end now. */
export function allAtOnce<T>(work: Pieces<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

/** The browser's next task: a message to itself, which (unlike a timer) no clamping delays. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}

/** At most this long on the panel's thread at a time: well under the 50 ms a browser counts as a long task. */
const SLICE_MS = 12;

/** Rows of pixels between a piece's yields: under a millisecond of 2048 px rows, in each of the loops that yield. */
export const ROWS_A_PIECE = 16;

/**
 * One job's time budget, to await between its pieces: resolves at once while the slice lasts,
 * else after giving the thread back (`pause`). Shared by the steps of a job, generators (inSlices)
 * and awaiting loops alike: awaits alone never give the thread back, a stream's steps being microtasks.
 */
export function slicer(sliceMs = SLICE_MS, pause: () => Promise<void> = nextTask, now: () => number = () => performance.now()): () => Promise<void> {
  let sliceStart = now();
  return async () => {
    if (now() - sliceStart < sliceMs) return;
    await pause();
    sliceStart = now();
  };
}

/** Runs the work a slice at a time, giving the thread back between slices (`breathe`: the job's budget). */
export async function inSlices<T>(work: Pieces<T>, breathe: () => Promise<void> = slicer()): Promise<T> {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
    await breathe();
  }
}
