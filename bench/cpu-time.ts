import { readFileSync } from 'node:fs';

/** Linux's clock ticks per second for /proc times (USER_HZ), the same on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) another process has used so far, in ms, or undefined where /proc is
 * missing. Less disturbed than wall time when other work shares the machine.
 */
export function cpuTimeOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1000;
  } catch {
    return undefined;
  }
}
