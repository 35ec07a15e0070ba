import { cpuByPid, cpuTimeOf, machineTicks } from './cpu-time';
import { runLoad } from './load';
import type { Send } from './clients';

/**
 * One load the relay sections measure under: how many clients at once, how long the provider
 * takes, how many requests (at concurrency above 1, in each of `rounds` turns of every path).
 */
export interface Load {
  concurrency: number;
  delayMs: number;
  requests: number;
  spreadMs: number;
  rounds: number;
}

/**
 * At one request at a time the delay only has to be longer than the transfer; at 64 the ratio
 * depends on it, and 5 s is still a twelfth of the minute the real provider takes. At 64 each path
 * runs in three rounds: this machine's speed drifts by up to 2x within minutes (a shared host), and
 * a path measured in one stretch of ten seconds is compared with others measured in other stretches.
 */
export const LOADS = [
  { concurrency: 1, delayMs: 250, requests: 20, spreadMs: 0, rounds: 1 },
  { concurrency: 64, delayMs: 5000, requests: 64, spreadMs: 5000, rounds: 3 },
] as const satisfies readonly Load[];

/** One way to get an image, measured beside the others. */
export interface Path {
  name: string;
  send: Send;
  /** The processes between the client and the provider, whose CPU is counted; none when straight. */
  pids?: number[];
  /** A server behind them whose CPU is counted apart (a database), as its processes are at the time asked. */
  serverPids?: () => number[];
  /**
   * Requests sent at once before measuring, to warm the path up (1 by default): as many as reach
   * each of its processes, so that none meets the load with its code not yet compiled and no
   * database connection open (a production instance has run for hours).
   */
  warmups?: number;
}

export interface PathResult {
  durations: number[];
  wallMs: number;
  /** CPU the path's processes in the middle used during its requests (undefined where /proc is missing). */
  cpuMs: number | undefined;
  /** CPU the path's server used meanwhile: its processes at the end, less what those alive at the start had used. */
  serverCpuMs?: number;
  /** The whole machine's CPU ticks during the requests, busy and in all (every process, the load driver's too). */
  ticks?: { busy: number; total: number };
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

/** Runs a path's load and counts the CPU its processes (and its server's, and the machine's) used meanwhile. */
async function timed({ pids, serverPids }: Path, run: () => Promise<number[]>): Promise<PathResult> {
  const cpuBefore = pids === undefined ? undefined : cpuOf(pids);
  const serverBefore = serverPids && cpuByPid(serverPids());
  const ticksBefore = machineTicks();
  const begin = performance.now();
  const durations = await run();
  const wallMs = performance.now() - begin;
  const ticksAfter = machineTicks();
  const cpuAfter = pids === undefined ? undefined : cpuOf(pids);
  const serverAfter = serverPids && cpuByPid(serverPids());
  return {
    durations,
    wallMs,
    cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
    ...(serverBefore && serverAfter ? { serverCpuMs: [...serverAfter].reduce((sum, [pid, cpu]) => sum + cpu - (serverBefore.get(pid) ?? 0), 0) } : {}),
    ...(ticksBefore && ticksAfter ? { ticks: { busy: ticksAfter.busy - ticksBefore.busy, total: ticksAfter.total - ticksBefore.total } } : {}),
  };
}

/** Two turns' results as one. */
function together(total: PathResult, turn: PathResult): PathResult {
  const sum = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a + b);
  const serverCpuMs = sum(total.serverCpuMs, turn.serverCpuMs);
  return {
    durations: [...total.durations, ...turn.durations],
    wallMs: total.wallMs + turn.wallMs,
    cpuMs: sum(total.cpuMs, turn.cpuMs),
    ...(serverCpuMs === undefined ? {} : { serverCpuMs }),
    ...(total.ticks && turn.ticks ? { ticks: { busy: total.ticks.busy + turn.ticks.busy, total: total.ticks.total + turn.ticks.total } } : {}),
  };
}

/**
 * Every path under one load, taking turns so that a drift of the machine touches them all alike:
 * request by request at concurrency 1; above, a whole load each, in rounds that start each from the
 * next path (so no path always follows the same one).
 */
export async function measurePaths(load: Load, paths: Path[]): Promise<Map<string, PathResult>> {
  const results = new Map<string, PathResult>(
    paths.map((path) => [path.name, { durations: [], wallMs: 0, cpuMs: 0, ...(path.serverPids ? { serverCpuMs: 0 } : {}), ticks: { busy: 0, total: 0 } }]),
  );
  for (const path of paths) await Promise.all(Array.from({ length: path.warmups ?? 1 }, () => path.send()));
  if (load.concurrency === 1) {
    // One at a time, the paths take turns, so a drift of the machine touches them all alike. The
    // relay is idle between its own turns, so its CPU adds up per path.
    for (let i = 0; i < load.requests; i++) {
      for (const path of paths) {
        const turn = await timed(path, () => runLoad({ ...load, requests: 1, send: path.send }));
        results.set(path.name, together(results.get(path.name)!, turn));
      }
    }
  } else {
    for (let round = 0; round < load.rounds; round++) {
      for (const path of [...paths.slice(round % paths.length), ...paths.slice(0, round % paths.length)]) {
        const turn = await timed(path, () => runLoad({ ...load, send: path.send }));
        results.set(path.name, together(results.get(path.name)!, turn));
      }
    }
  }
  return results;
}
