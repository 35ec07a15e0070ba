import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INTERRUPTED_MESSAGE } from '../../relay/errors';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { heldCalls, type HeldCalls } from '../helpers/held-calls';
import { editForm, fetchBytes, getJob, submitEdit, submittedJobId, type ErrorBody } from '../helpers/job-client';
import { firstStartToken, printedToken, startRelayProcess, temporaryDataDir, type ServerProcess } from '../helpers/relay-process';

const API_KEY = 'sk-test-drain';

/** How the process ended, or 'running' if it had not within `ms`. */
function exitWithin(child: ChildProcess, ms: number): Promise<number | null | 'running'> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('running'), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the relay process stopped with a signal while images are being made', () => {
  let provider: FakeLlmEasy;
  let held: HeldCalls;
  let relay: ServerProcess;
  let dataDir: string;

  function startRelay(env: Record<string, string> = {}): Promise<ServerProcess> {
    return startRelayProcess({ LLMEASY_API_KEY: API_KEY, LLMEASY_BASE_URL: provider.baseUrl, RELAY_DATA_DIR: dataDir, ...env });
  }

  beforeEach(async () => {
    held = heldCalls();
    provider = await startFakeLlmEasy({ apiKey: API_KEY, gate: held.gate });
    dataDir = temporaryDataDir();
  });

  afterEach(async () => {
    held.answerAll();
    await relay.stop();
    await provider.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('finishes the jobs and synchronous calls it was making, refusing new images with 503, then exits', { timeout: 60_000 }, async () => {
    relay = await startRelay();
    const { auth } = await firstStartToken(relay);
    const first = await submittedJobId(await submitEdit(relay.url, undefined, auth));
    const second = await submittedJobId(await submitEdit(relay.url, undefined, auth));
    const sync = fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: editForm(), headers: auth });
    await expect.poll(() => held.waiting).toBe(3);

    // A service manager signals the whole process group, and a wrapper forwards the signal too.
    for (let i = 0; i < 3; i++) relay.child.kill('SIGTERM');
    await expect.poll(() => relay.output()).toContain('Reimage relay: stopping. New images are refused; the 3 images in progress are finished first');

    const refused = await submitEdit(relay.url, undefined, auth);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(((await refused.json()) as ErrorBody).error).toMatchObject({
      code: 'relay_stopping',
      message: 'The relay is restarting: it finishes the images in progress and takes no new ones. Try again in a minute.',
    });
    expect((await fetch(`${relay.url}/v1/images/generations`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{}' })).status).toBe(503);
    // Long polls are still answered.
    expect((await getJob(relay.url, first, 1, auth)).body.status).toBe('running');

    held.answerNext();
    const done = await getJob(relay.url, first, 10, auth);
    expect(done.body.status).toBe('succeeded');
    // Downloads too, while the other images are still being made.
    const image = await fetchBytes(`${relay.url}${done.body.image!.url}`, auth);
    expect(image.response.status).toBe(200);
    expect(image.bytes.length).toBe(done.body.image!.bytes);
    expect(await exitWithin(relay.child, 500)).toBe('running');

    held.answerAll();
    expect((await sync).status).toBe(200);
    expect(await exitWithin(relay.child, 15_000)).toBe(0);
    expect(provider.calls).toHaveLength(3);

    // The token made on the first start is kept in the data directory, not printed again.
    relay = await startRelay();
    for (const id of [first, second]) {
      expect((await getJob(relay.url, id, 0, auth)).body.status).toBe('succeeded');
      const kept = await fetchBytes(`${relay.url}/v1/jobs/${id}/image`, auth);
      expect(kept.response.headers.get('content-type')).toBe('image/png');
    }
  });

  it('exits at once on a second signal, sent after the first one', { timeout: 60_000 }, async () => {
    relay = await startRelay();
    const { auth } = await firstStartToken(relay);
    const id = await submittedJobId(await submitEdit(relay.url, undefined, auth));
    await expect.poll(() => held.waiting).toBe(1);

    relay.child.kill('SIGTERM');
    await expect.poll(() => relay.output()).toContain('Reimage relay: stopping.');
    await sleep(2500);
    expect(relay.child.exitCode).toBeNull();
    relay.child.kill('SIGTERM');
    expect(await exitWithin(relay.child, 5000)).not.toBe('running');

    relay = await startRelay();
    expect((await getJob(relay.url, id, 0, auth)).body).toMatchObject({ status: 'failed', error: { message: INTERRUPTED_MESSAGE } });
  });

  it('exits after DRAIN_TIMEOUT_SECONDS when an image is still not made', { timeout: 60_000 }, async () => {
    relay = await startRelay({ DRAIN_TIMEOUT_SECONDS: '1' });
    const { auth } = await firstStartToken(relay);
    const id = await submittedJobId(await submitEdit(relay.url, undefined, auth));
    await expect.poll(() => held.waiting).toBe(1);

    relay.child.kill('SIGINT');
    expect(await exitWithin(relay.child, 500)).toBe('running');
    expect(await exitWithin(relay.child, 10_000)).not.toBe('running');
    expect(relay.output()).toContain('1 image(s) were not finished');

    relay = await startRelay();
    expect((await getJob(relay.url, id, 0, auth)).body).toMatchObject({ status: 'failed', error: { message: INTERRUPTED_MESSAGE } });
  });

  it('exits at once when nothing is being made', async () => {
    relay = await startRelay();
    relay.child.kill('SIGTERM');
    expect(await exitWithin(relay.child, 5000)).toBe(0);
  });
});

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX_CLI = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('npm start, stopped with Ctrl-C while an image is being made', () => {
  it('lets its relay finish the image and keep it, then ends', { timeout: 90_000 }, async () => {
    const held = heldCalls();
    const provider = await startFakeLlmEasy({ apiKey: API_KEY, gate: held.gate });
    const dataDir = temporaryDataDir();
    const [port, emulatorPort] = [await freePort(), await freePort()];
    // As npm runs it (tsx's CLI, which forwards signals to its child), in its own process group as a terminal's job is.
    const start = spawn(process.execPath, [TSX_CLI, 'emulator/start.ts'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LLMEASY_API_KEY: API_KEY, LLMEASY_BASE_URL: provider.baseUrl, RELAY_DATA_DIR: dataDir, PORT: String(port), EMULATOR_PORT: String(emulatorPort) },
    });
    let output = '';
    start.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    start.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let relay: ServerProcess | undefined;
    try {
      await expect.poll(() => output, { timeout: 60_000 }).toContain('Try it without Figma');
      const url = `http://127.0.0.1:${port}`;
      // The relay prints the token it made on this first start to npm start's terminal.
      const { auth } = printedToken(output, 'npm start');
      const id = await submittedJobId(await submitEdit(url, undefined, auth));
      await expect.poll(() => held.waiting).toBe(1);

      // Ctrl-C: the terminal sends SIGINT to every process of the job.
      process.kill(-start.pid!, 'SIGINT');
      await sleep(1000);
      expect((await getJob(url, id, 0, auth)).body.status).toBe('running');
      held.answerAll();
      expect((await getJob(url, id, 10, auth)).body.status).toBe('succeeded');
      expect(await exitWithin(start, 15_000)).toBe(0);

      relay = await startRelayProcess({ LLMEASY_API_KEY: API_KEY, LLMEASY_BASE_URL: provider.baseUrl, RELAY_DATA_DIR: dataDir });
      expect((await fetchBytes(`${relay.url}/v1/jobs/${id}/image`, auth)).response.status).toBe(200);
    } finally {
      if (start.exitCode === null) process.kill(-start.pid!, 'SIGKILL');
      await relay?.stop();
      await provider.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
