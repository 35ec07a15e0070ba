import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../relay/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A fresh, empty data directory for one test. */
export function temporaryDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'reimage-relay-'));
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run relay -- <args>` as a child process, run to its end. */
export function runRelayCommand(args: string[], env: Record<string, string>): Promise<Finished> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

export interface RelayProcess {
  child: ChildProcess;
  /** The port it listens on. */
  port: number;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  stop(): Promise<void>;
}

/** The relay as `npm run relay` starts it, waited for until it says where it listens. */
export async function startRelayProcess(env: Record<string, string>): Promise<RelayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { cwd: ROOT, env: { ...process.env, PORT: '0', ...env } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /listening on http:\/\/[^\s]+:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`relay exited with ${code}: ${output}`)));
  });
  return {
    child,
    port,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
