import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Resident memory of another process, in bytes (from /proc on Linux, from ps elsewhere); 0 once it has exited. */
export function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) * 1024;
  } catch {
    try {
      return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
    } catch {
      return 0;
    }
  }
}

/** Samples a process's RSS every `everyMs` until stopped, and keeps the highest value seen. */
export function sampleRss(pid: number, everyMs = 20): { stop(): number } {
  let peak = rssOf(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssOf(pid));
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rssOf(pid));
    },
  };
}
