import { existsSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { heldCalls, type HeldCalls } from '../helpers/held-calls';
import { type ErrorBody, fetchBytes, getJob, submitEdit, submittedJobId } from '../helpers/job-client';
import { firstStartToken, startRelayProcess, temporaryDataDir, type ServerProcess } from '../helpers/relay-process';

const API_KEY = 'sk-test-disk-full';
const NOT_SAVED = 'The relay could not save the job to its disk. Tell your admin to check the free space in RELAY_DATA_DIR.';

describe('the relay process when its disk stops taking writes', () => {
  let provider: FakeLlmEasy;
  let held: HeldCalls;
  let relay: ServerProcess;
  let dataDir: string;
  /** The header presenting the token the live relay made on its first start; a restart keeps it. */
  let auth: Record<string, string>;
  const jobsDir = () => join(dataDir, 'jobs');

  /**
   * Every write under the jobs folder fails from now on (ENOTDIR), as on a full or read-only disk;
   * the folder itself is kept aside. Permissions would not do: the tests may run as root.
   */
  async function breakDisk(): Promise<void> {
    await rename(jobsDir(), `${jobsDir()}.aside`);
    await writeFile(jobsDir(), 'not a folder');
  }

  async function mendDisk(): Promise<void> {
    await rm(jobsDir());
    await rename(`${jobsDir()}.aside`, jobsDir());
  }

  function startRelay(): Promise<ServerProcess> {
    return startRelayProcess({ LLMEASY_API_KEY: API_KEY, LLMEASY_BASE_URL: provider.baseUrl, RELAY_DATA_DIR: dataDir });
  }

  beforeEach(async () => {
    held = heldCalls();
    provider = await startFakeLlmEasy({ apiKey: API_KEY, gate: held.gate });
    dataDir = temporaryDataDir();
    relay = await startRelay();
    ({ auth } = await firstStartToken(relay));
  });

  afterEach(async () => {
    held.answerAll();
    await relay.stop();
    await provider.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 507 to a submit whose record it cannot write, without calling the provider', async () => {
    await breakDisk();
    for (let i = 0; i < 6; i++) {
      const refused = await submitEdit(relay.url, undefined, auth);
      expect(refused.status).toBe(507);
      expect(((await refused.json()) as ErrorBody).error).toMatchObject({ code: 'job_not_saved', message: NOT_SAVED });
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(provider.received).toBe(0);

    // Each refusal gave its place back: more were refused than one token may hold, and it may still submit.
    await mendDisk();
    await submittedJobId(await submitEdit(relay.url, undefined, auth));
    await expect.poll(() => provider.received).toBe(1);
  });

  it('keeps a paid image whose PNG cannot be written at first: served from memory, written once the disk is back, never failed', async () => {
    const id = await submittedJobId(await submitEdit(relay.url, undefined, auth));
    await expect.poll(() => held.waiting).toBe(1);
    await breakDisk();
    held.answerAll();

    const seen = new Set<string>();
    const done = await getJob(relay.url, id, 10, auth);
    expect(done.body.status).toBe('succeeded');
    const fromMemory = await fetchBytes(`${relay.url}${done.body.image!.url}`, auth);
    expect(fromMemory.response.status).toBe(200);
    expect(fromMemory.bytes.length).toBe(done.body.image!.bytes);

    await mendDisk();
    const png = join(jobsDir(), `${id}.png`);
    await expect
      .poll(
        async () => {
          seen.add((await getJob(relay.url, id, 0, auth)).body.status);
          return existsSync(png);
        },
        { timeout: 15_000, interval: 200 },
      )
      .toBe(true);
    expect([...seen]).toEqual(['succeeded']);

    await relay.stop();
    relay = await startRelay();
    expect((await getJob(relay.url, id, 0, auth)).body.status).toBe('succeeded');
    expect((await fetchBytes(`${relay.url}/v1/jobs/${id}/image`, auth)).bytes).toEqual(fromMemory.bytes);
  });
});
