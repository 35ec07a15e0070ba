import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INTERRUPTED_MESSAGE } from '../../relay/errors';
import { liveUpstream } from '../../relay/upstream';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { fetchBytes, getJob, submitEdit, submittedJobId, waitForJob, type ErrorBody } from '../helpers/job-client';
import { startRelay, type RelayServerOptions, type RunningRelay } from '../helpers/relay-server';

const API_KEY = 'sk-test-lifecycle';
const HOUR = 3600_000;

describe('jobs across restarts, expiry and cancellation', () => {
  let provider: FakeLlmEasy;
  let relay: RunningRelay;
  let dataDir: string;

  async function startProvider(options: { held: boolean }) {
    provider = await startFakeLlmEasy({
      apiKey: API_KEY,
      // A held provider never answers: the job stays running until it is cancelled or the relay stops.
      gate: options.held ? () => new Promise<void>(() => undefined) : undefined,
    });
  }

  function relayOn(dir: string, options: Partial<RelayServerOptions> = {}): Promise<RunningRelay> {
    return startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }), dataDir: dir, ...options });
  }

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'reimage-jobs-'));
  });

  afterEach(async () => {
    await relay.close();
    await provider.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('fails a job that was running when the relay restarted, saying to generate again', async () => {
    await startProvider({ held: true });
    relay = await relayOn(dataDir);
    const id = await submittedJobId(await submitEdit(relay.url));
    await expect.poll(() => provider.calls.length).toBe(1);

    await relay.close();
    relay = await relayOn(dataDir);
    const { status, body } = await getJob(relay.url, id);

    expect(status).toBe(200);
    expect(body).toMatchObject({ id, status: 'failed', error: { message: INTERRUPTED_MESSAGE, code: 'relay_restarted' } });
    expect(INTERRUPTED_MESSAGE).toBe('The relay restarted while this image was being made; it was not finished. Generate again.');
    expect((await fetch(`${relay.url}/v1/jobs/${id}/image`)).status).toBe(404);
  });

  it('still serves a finished image after a restart', async () => {
    await startProvider({ held: false });
    relay = await relayOn(dataDir);
    const id = await submittedJobId(await submitEdit(relay.url));
    const before = await waitForJob(relay.url, id, 5);
    const original = await fetchBytes(`${relay.url}/v1/jobs/${id}/image`);

    await relay.close();
    relay = await relayOn(dataDir);
    const after = await getJob(relay.url, id);
    const served = await fetchBytes(`${relay.url}/v1/jobs/${id}/image`);

    expect(after.body).toEqual(before);
    expect(served.response.status).toBe(200);
    expect(served.bytes).toEqual(original.bytes);
  });

  it('keeps the Idempotency-Key of a finished job across a restart', async () => {
    await startProvider({ held: false });
    relay = await relayOn(dataDir);
    const id = await submittedJobId(await submitEdit(relay.url, undefined, { 'Idempotency-Key': 'k' }));
    await waitForJob(relay.url, id, 5);

    await relay.close();
    relay = await relayOn(dataDir);

    expect(await submittedJobId(await submitEdit(relay.url, undefined, { 'Idempotency-Key': 'k' }))).toBe(id);
    expect(provider.calls).toHaveLength(1);
  });

  it('forgets a job and deletes its image once its time to live has passed', async () => {
    await startProvider({ held: false });
    let now = Date.parse('2026-01-01T00:00:00Z');
    relay = await relayOn(dataDir, { ttlMs: 24 * HOUR, now: () => now });
    const id = await submittedJobId(await submitEdit(relay.url));
    await waitForJob(relay.url, id, 5);

    now += 24 * HOUR - 1000;
    expect((await getJob(relay.url, id)).status).toBe(200);
    now += 1000;
    const expired = await getJob(relay.url, id);
    const image = await fetch(`${relay.url}/v1/jobs/${id}/image`);
    const removed = await relay.jobs.cleanup();

    expect(expired.status).toBe(404);
    expect(expired.body.error.code).toBe('job_not_found');
    expect(image.status).toBe(404);
    expect(removed).toBe(1);
    // The usage ledger keeps the call; the job and its image are gone.
    expect(await readdir(dataDir)).toEqual(['usage.jsonl']);
  });

  it('gives a key reused after its job expired a new job, and keeps it through cleanup', async () => {
    await startProvider({ held: false });
    let now = Date.parse('2026-01-01T00:00:00Z');
    relay = await relayOn(dataDir, { now: () => now });
    const first = await submittedJobId(await submitEdit(relay.url, undefined, { 'Idempotency-Key': 'k' }));
    await waitForJob(relay.url, first, 5);

    now += 25 * HOUR;
    const second = await submittedJobId(await submitEdit(relay.url, undefined, { 'Idempotency-Key': 'k' }));
    await relay.jobs.cleanup();
    const retried = await submittedJobId(await submitEdit(relay.url, undefined, { 'Idempotency-Key': 'k' }));

    expect(second).not.toBe(first);
    expect(retried).toBe(second);
  });

  it('removes expired jobs when the relay starts', async () => {
    await startProvider({ held: false });
    let now = Date.parse('2026-01-01T00:00:00Z');
    relay = await relayOn(dataDir, { now: () => now });
    const id = await submittedJobId(await submitEdit(relay.url));
    await waitForJob(relay.url, id, 5);

    await relay.close();
    now += 25 * HOUR;
    relay = await relayOn(dataDir, { now: () => now });

    expect((await getJob(relay.url, id)).status).toBe(404);
    // The usage ledger keeps the call; the job and its image are gone.
    expect(await readdir(dataDir)).toEqual(['usage.jsonl']);
  });

  it('cancels a running job on DELETE and aborts its provider call', async () => {
    await startProvider({ held: true });
    relay = await relayOn(dataDir);
    const id = await submittedJobId(await submitEdit(relay.url));
    await expect.poll(() => provider.calls.length).toBe(1);

    const response = await fetch(`${relay.url}/v1/jobs/${id}`, { method: 'DELETE' });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id, status: 'cancelled' });
    await expect.poll(() => provider.abandoned).toBe(1);
    expect((await getJob(relay.url, id)).body.status).toBe('cancelled');
    expect(((await (await fetch(`${relay.url}/v1/jobs/${id}/image`)).json()) as ErrorBody).error.code).toBe('image_not_ready');
  });

  it('wakes a long poll when its job is cancelled', { timeout: 15_000 }, async () => {
    await startProvider({ held: true });
    relay = await relayOn(dataDir);
    const id = await submittedJobId(await submitEdit(relay.url));
    await expect.poll(() => provider.calls.length).toBe(1);

    const poll = getJob(relay.url, id, 25);
    await fetch(`${relay.url}/v1/jobs/${id}`, { method: 'DELETE' });

    expect((await poll).body.status).toBe('cancelled');
  });

  it('leaves a finished job as it is on DELETE', async () => {
    await startProvider({ held: false });
    relay = await relayOn(dataDir);
    const id = await submittedJobId(await submitEdit(relay.url));
    await waitForJob(relay.url, id, 5);

    const response = await fetch(`${relay.url}/v1/jobs/${id}`, { method: 'DELETE' });

    expect(await response.json()).toEqual({ id, status: 'succeeded' });
    expect((await fetch(`${relay.url}/v1/jobs/${id}/image`)).status).toBe(200);
  });

  it('keeps a cancelled job cancelled across a restart', async () => {
    await startProvider({ held: true });
    relay = await relayOn(dataDir);
    const id = await submittedJobId(await submitEdit(relay.url));
    await fetch(`${relay.url}/v1/jobs/${id}`, { method: 'DELETE' });

    await relay.close();
    relay = await relayOn(dataDir);

    expect((await getJob(relay.url, id)).body.status).toBe('cancelled');
  });

  it('shows a job only to the client that submitted it', async () => {
    await startProvider({ held: false });
    relay = await relayOn(dataDir);
    const job = await relay.jobs.submit(await relay.jobs.admit('alice'), { kind: 'generate', prompt: 'p', size: 'auto' });

    expect((await relay.jobs.get('alice', job.id))?.id).toBe(job.id);
    expect(await relay.jobs.get('bob', job.id)).toBeUndefined();
    expect(await relay.jobs.cancel('bob', job.id)).toBeUndefined();
    expect(await relay.jobs.image('bob', job.id)).toBeUndefined();
  });
});
