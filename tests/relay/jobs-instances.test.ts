import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDiskStore } from '../../relay/store/disk/disk-store';
import { JobFiles } from '../../relay/store/disk/job-files';
import type { RelayStore } from '../../relay/store/store';
import { createToken } from '../../relay/tokens';
import { liveUpstream } from '../../relay/upstream';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { heldCalls, type HeldCalls } from '../helpers/held-calls';
import { type ErrorBody, fetchBytes, getJob, submitEdit, submittedJobId, waitForJob } from '../helpers/job-client';
import { startRelay, type RunningRelay } from '../helpers/relay-server';

const API_KEY = 'sk-test-instances';

/**
 * Two job managers, each behind its own HTTP server, on one store: what two relay instances on one
 * database are to each other, in one process. Each answers only from the store, except for the
 * jobs it runs itself.
 */
describe('two relays on one store', () => {
  let dir: string;
  let store: RelayStore;
  let provider: FakeLlmEasy;
  let held: HeldCalls;
  let a: RunningRelay;
  let b: RunningRelay;
  let auth: Record<string, string>;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reimage-instances-'));
    store = await openDiskStore({ jobs: new JobFiles(join(dir, 'jobs')), tokensDir: dir, ttlMs: 3600_000 });
    held = heldCalls();
    provider = await startFakeLlmEasy({ apiKey: API_KEY, gate: held.gate });
    const relay = () =>
      startRelay({
        upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }),
        store,
        access: { tokens: store.tokens, loopback: true },
        clientLimits: { maxConcurrent: 2, maxPerMinute: 30 },
      });
    [a, b] = [await relay(), await relay()];
    auth = { Authorization: `Bearer ${await createToken(store.tokens, 'alice')}` };
  });

  afterEach(async () => {
    held.answerAll();
    await a.close();
    await b.close();
    await provider.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers a long poll on B as soon as the job A runs has ended, and serves its image through B', async () => {
    const id = await submittedJobId(await submitEdit(a.url, undefined, auth));
    await expect.poll(() => held.waiting).toBe(1);
    const poll = getJob(b.url, id, 25, auth);
    expect((await getJob(b.url, id, 0, auth)).body.status).toBe('running');

    held.answerAll();
    // Woken by the store's event, not by its wait running out 25 s later.
    const answer = await Promise.race([poll, delay(10_000).then(() => undefined)]);

    expect(answer?.body.status).toBe('succeeded');
    const { body } = answer!;
    const fromB = await fetchBytes(`${b.url}${body.image!.url}`, auth);
    const fromA = await fetchBytes(`${a.url}${body.image!.url}`, auth);
    expect(fromB.response.status).toBe(200);
    expect(fromB.bytes.length).toBe(body.image!.bytes);
    expect(fromB.bytes).toEqual(fromA.bytes);
  });

  it('cancels through B a job A runs: A aborts its provider call and both say cancelled', async () => {
    const id = await submittedJobId(await submitEdit(a.url, undefined, auth));
    await expect.poll(() => held.waiting).toBe(1);
    const pollOnA = getJob(a.url, id, 25, auth);

    const cancelled = await fetch(`${b.url}/v1/jobs/${id}`, { method: 'DELETE', headers: auth });

    expect(await cancelled.json()).toEqual({ id, status: 'cancelled' });
    await expect.poll(() => provider.abandoned).toBe(1);
    expect((await pollOnA).body.status).toBe('cancelled');
    expect((await getJob(b.url, id, 0, auth)).body.status).toBe('cancelled');
    await expect.poll(() => a.logs.some((line) => line.includes(`"job":"${id}"`) && line.includes('"status":"cancelled"'))).toBe(true);
  });

  it('makes one provider call for one Idempotency-Key sent to A and B at once', async () => {
    const key = { ...auth, 'Idempotency-Key': 'one-call' };
    const ids = await Promise.all([submitEdit(a.url, undefined, key), submitEdit(b.url, undefined, key), submitEdit(a.url, undefined, key)].map(async (sent) => submittedJobId(await sent)));

    expect(new Set(ids).size).toBe(1);
    await expect.poll(() => provider.received).toBe(1);
    held.answerAll();
    expect((await waitForJob(b.url, ids[0], 10, auth)).status).toBe('succeeded');
    expect(provider.calls).toHaveLength(1);
  });

  it("holds a token's images in flight over both relays", async () => {
    await submittedJobId(await submitEdit(a.url, undefined, auth));
    await submittedJobId(await submitEdit(b.url, undefined, auth));
    const refused = await submitEdit(a.url, undefined, auth);

    expect(refused.status).toBe(429);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('too_many_jobs');
    held.answerNext();
    await expect.poll(async () => (await submitEdit(b.url, undefined, auth)).status).toBe(202);
  });

  it('refuses on both relays a token revoked in their store, at once', async () => {
    expect((await getJob(b.url, 'job_none', 0, auth)).status).toBe(404);
    await store.tokens.remove('alice');
    expect((await getJob(b.url, 'job_none', 0, auth)).status).toBe(401);
  });
  it('serves through B the image of a job A says succeeded while A is still storing it', async () => {
    // A slow store for A alone: its image is kept only when the test lets it, as an 8 MB PNG on a busy database.
    let stored!: () => void;
    const storing = new Promise<void>((resolve) => (stored = resolve));
    const slowImages = { ...store.images, save: async (id: string, png: Uint8Array) => (await storing, store.images.save(id, png)) };
    const slowA = await startRelay({
      upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }),
      store: { jobs: store.jobs, images: slowImages, events: store.events, places: store.places, tokens: store.tokens, usage: store.usage, budgets: store.budgets, presets: store.presets, close: () => store.close() },
      access: { tokens: store.tokens, loopback: true },
    });
    try {
      const id = await submittedJobId(await submitEdit(slowA.url, undefined, auth));
      await expect.poll(() => held.waiting).toBe(1);
      held.answerAll();
      const done = await waitForJob(slowA.url, id, 25, auth);
      expect(done.status).toBe('succeeded');

      const download = fetchBytes(`${b.url}${done.image!.url}`, auth);
      await delay(300);
      stored();
      const fromB = await download;

      expect(fromB.response.status).toBe(200);
      expect(fromB.bytes.length).toBe(done.image!.bytes);
    } finally {
      stored();
      await slowA.close();
    }
  });
});
