import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { projectRoot } from './ensure-built';

/** The relay as its own process, as `npm run relay` runs it, so its memory is its own. */
export interface RelayProcess {
  url: string;
  pid: number;
  /** The DevTools WebSocket URL, when started with --inspect. */
  inspectorUrl: string | undefined;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitUntilHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The relay exited (${child.exitCode}) before it was ready:\n${output()}`);
    const healthy = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The relay did not answer /healthz within 20 s:\n${output()}`);
}

export async function startRelayProcess(env: Record<string, string>, nodeArgs: string[] = []): Promise<RelayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'relay/main.ts'], {
    cwd: projectRoot,
    env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Keep only the tail of the relay's log (one line per request) for error messages.
  let tail = '';
  let inspectorUrl: string | undefined;
  const keep = (chunk: Buffer) => {
    inspectorUrl ??= /Debugger listening on (ws:\/\/\S+)/.exec(chunk.toString())?.[1];
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilHealthy(url, child, () => tail);
  return {
    url,
    pid: child.pid!,
    inspectorUrl,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killer);
    },
  };
}
