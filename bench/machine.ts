import { cpus, loadavg, totalmem } from 'node:os';

/** What the numbers were measured on: they mean little without it. */
export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  platform: string;
  date: string;
  /** The 1-minute load average when the bench started: other work on the machine skews every number. */
  loadAtStart: number;
}

export function describeMachine(now = new Date()): Machine {
  const cores = cpus();
  return {
    cpu: cores[0]?.model.trim() || 'unknown',
    cores: cores.length,
    ramGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: now.toISOString().replace(/\.\d+Z$/, 'Z'),
    loadAtStart: loadavg()[0],
  };
}
