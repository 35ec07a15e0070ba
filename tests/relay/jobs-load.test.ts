import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { fetchBytes, submitEdit, submittedJobId, waitForJob } from '../helpers/job-client';
import { firstStartToken, startRelayProcess, temporaryDataDir, type ServerProcess } from '../helpers/relay-process';

const API_KEY = 'sk-test-load';
const JOBS = 200;
const MB = 1024 * 1024;

/** Noise does not compress: the PNG is as large as its pixels, like a photo-like answer. */
function noisePng(width: number, height: number): Uint8Array {
  return encode({ width, height, data: new Uint8Array(randomBytes(width * height * 4)), channels: 4, depth: 8 });
}

/** Resident memory of a process, from /proc: the current value and the peak since it started. */
async function memory(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

describe(`${JOBS} jobs in flight against a slow provider`, () => {
  const answer = noisePng(400, 400);
  let provider: FakeLlmEasy;
  let relay: ServerProcess;
  let dataDir: string;

  beforeAll(async () => {
    provider = await startFakeLlmEasy({ apiKey: API_KEY, delayMs: 3000, image: () => answer });
    dataDir = temporaryDataDir();
    relay = await startRelayProcess({
      LLMEASY_API_KEY: API_KEY,
      LLMEASY_BASE_URL: provider.baseUrl,
      RELAY_DATA_DIR: dataDir,
      MAX_JOBS_PER_TOKEN: String(JOBS),
      MAX_JOBS_PER_MINUTE: String(JOBS),
    });
  });

  afterAll(async () => {
    await relay.stop();
    await provider.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('completes every job and keeps the relay within its memory bound', { timeout: 120_000 }, async () => {
    const url = `http://127.0.0.1:${relay.port}`;
    const { auth } = await firstStartToken(relay);
    const before = await memory(relay.child.pid!);

    const ids = await Promise.all(Array.from({ length: JOBS }, async () => submittedJobId(await submitEdit(url, undefined, auth))));
    await expect.poll(() => provider.calls.length, { timeout: 30_000 }).toBe(JOBS);
    const jobs = await Promise.all(ids.map((id) => waitForJob(url, id, 25, auth)));
    const images = await Promise.all(ids.map((id) => fetchBytes(`${url}/v1/jobs/${id}/image`, auth)));
    const after = await memory(relay.child.pid!);

    expect(jobs.every((job) => job.status === 'succeeded')).toBe(true);
    expect(images.every(({ bytes }) => Buffer.compare(bytes, answer) === 0)).toBe(true);
    expect((await readdir(join(dataDir, 'jobs'))).filter((name) => name.endsWith('.png'))).toHaveLength(JOBS);
    // Every answer arrives, as base64, within moments of the others; the relay reads them a few at
    // a time and keeps none in memory once on disk, so it never holds them all at once.
    const answersInFlight = JOBS * Math.ceil((answer.length * 4) / 3);
    expect(after.peak - before.rss).toBeLessThan(64 * MB + answersInFlight);
  });
});
