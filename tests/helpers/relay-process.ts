import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** An access token as the relay prints it. */
export const TOKEN_PATTERN = /rmg_[A-Za-z0-9_-]{43}/;

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

export interface ServerProcess {
  child: ChildProcess;
  /** The port it listens on, and where a client on this machine reaches it. */
  port: number;
  url: string;
  pid: number;
  /** The DevTools WebSocket URL, when started with --inspect. */
  inspectorUrl: string | undefined;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  stop(): Promise<void>;
}

/** Everything the relay prints as it starts, once its last line (how to import the plugin) is out. */
export async function startupOutput(relay: ServerProcess): Promise<string> {
  for (let waited = 0; !relay.output().includes('Import plugin from manifest'); waited += 20) {
    if (waited > 10_000) throw new Error(`The relay did not finish starting: ${relay.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return relay.output();
}

/** The access token a process printed (`who` says which, for the error), and the header that presents it. */
export function printedToken(output: string, who: string): { token: string; auth: Record<string, string> } {
  const token = TOKEN_PATTERN.exec(output)?.[0];
  if (!token) throw new Error(`${who} printed no access token: ${output}`);
  return { token, auth: { Authorization: `Bearer ${token}` } };
}

/**
 * The token a live relay made for this machine on its first start, as it printed it, and the
 * header that presents it. A later start on the same data directory keeps it without printing it.
 */
export async function firstStartToken(relay: ServerProcess): Promise<{ token: string; auth: Record<string, string> }> {
  return printedToken(await startupOutput(relay), 'The relay');
}

/** The relay as `npm run relay` starts it (its memory its own), waited for until it says where it listens. */
export function startRelayProcess(env: Record<string, string | undefined>, nodeArgs: string[] = []): Promise<ServerProcess> {
  return startServerProcess(MAIN, [], env, nodeArgs);
}

/** A TypeScript server script run by Node as its own process, waited for until it prints `listening on http://host:port`. */
export async function startServerProcess(script: string, args: string[], env: Record<string, string | undefined>, nodeArgs: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /listening on http:\/\/[^\s]+:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}: ${output}`)));
  });
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    inspectorUrl: /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1],
    output: () => output,
    stop: async () => {
      // A process ended by a signal (kill -9) keeps exitCode null: it has exited all the same.
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killer);
    },
  };
}
