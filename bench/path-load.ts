import { cpuTimeOf } from './cpu-time';
import { runLoad } from './load';
import type { Send } from './clients';

/** One load the relay sections measure under: how many clients at once, how long the provider takes, how many requests. */
export interface Load {
  concurrency: number;
  delayMs: number;
  requests: number;
  spreadMs: number;
}

/**
 * At one request at a time the delay only has to be longer than the transfer; at 64 the ratio
 * depends on it, and 5 s is still a twelfth of the minute the real provider takes.
 */
export const LOADS = [
  { concurrency: 1, delayMs: 250, requests: 20, spreadMs: 0 },
  { concurrency: 64, delayMs: 5000, requests: 64, spreadMs: 5000 },
] as const satisfies readonly Load[];

/** One way to get an image, measured beside the others. */
export interface Path {
  name: string;
  send: Send;
  /** The processes between the client and the provider, whose CPU is counted; none when straight. */
  pids?: number[];
}

export interface PathResult {
  durations: number[];
  wallMs: number;
  /** CPU the path's processes in the middle used during its requests (undefined where /proc is missing). */
  cpuMs: number | undefined;
}

function cpuOf(pids: number[]): number | undefined {
  let sum = 0;
  for (const pid of pids) {
    const cpu = cpuTimeOf(pid);
    if (cpu === undefined) return undefined;
    sum += cpu;
  }
  return sum;
}

/** Runs a path's load and counts the CPU its processes used meanwhile. */
async function timed(pids: number[] | undefined, run: () => Promise<number[]>): Promise<PathResult> {
  const cpuBefore = pids === undefined ? undefined : cpuOf(pids);
  const begin = performance.now();
  const durations = await run();
  const wallMs = performance.now() - begin;
  const cpuAfter = pids === undefined ? undefined : cpuOf(pids);
  return { durations, wallMs, cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
}

/** Every path under one load: taking turns request by request at concurrency 1, one path after another above. */
export async function measurePaths(load: Load, paths: Path[]): Promise<Map<string, PathResult>> {
  const results = new Map<string, PathResult>(paths.map((path) => [path.name, { durations: [], wallMs: 0, cpuMs: 0 }]));
  for (const path of paths) await path.send(); // warm up connections and the relay's code paths
  if (load.concurrency === 1) {
    // One at a time, the paths take turns, so a drift of the machine touches them all alike. The
    // relay is idle between its own turns, so its CPU adds up per path.
    for (let i = 0; i < load.requests; i++) {
      for (const path of paths) {
        const turn = await timed(path.pids, () => runLoad({ ...load, requests: 1, send: path.send }));
        const total = results.get(path.name)!;
        total.durations.push(...turn.durations);
        total.wallMs += turn.wallMs;
        total.cpuMs = total.cpuMs === undefined || turn.cpuMs === undefined ? undefined : total.cpuMs + turn.cpuMs;
      }
    }
  } else {
    for (const path of paths) results.set(path.name, await timed(path.pids, () => runLoad({ ...load, send: path.send })));
  }
  return results;
}
