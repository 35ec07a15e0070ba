import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Admission, JobManager } from '../../relay/jobs';
import { liveUpstream } from '../../relay/upstream';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { submitEdit, submittedJobId, waitForJob } from '../helpers/job-client';
import { startRelay, type RunningRelay } from '../helpers/relay-server';

const API_KEY = 'sk-test-idempotency';

/** A place for a keyed submit; the client must not have a job with the key yet. */
async function admitted(jobs: JobManager, client: string, key: string): Promise<Admission> {
  const result = await jobs.admitJob(client, key);
  if (!('admission' in result)) throw new Error(`${client} already has a job with the key ${key}`);
  return result.admission;
}

describe('Idempotency-Key on a job submit', () => {
  let provider: FakeLlmEasy;
  let relay: RunningRelay;

  beforeEach(async () => {
    provider = await startFakeLlmEasy({ apiKey: API_KEY, delayMs: 300 });
    relay = await startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }) });
  });

  afterEach(async () => {
    await relay.close();
    await provider.close();
  });

  it('returns the same job for the same key sent twice, with one provider call', async () => {
    const first = await submittedJobId(await submitEdit(relay.url, undefined, { 'Idempotency-Key': 'retry-1' }));
    const second = await submittedJobId(await submitEdit(relay.url, undefined, { 'Idempotency-Key': 'retry-1' }));

    expect(second).toBe(first);
    expect((await waitForJob(relay.url, first, 5)).status).toBe('succeeded');
    expect(provider.calls).toHaveLength(1);
  });

  it('returns one job for the same key sent concurrently, with one provider call', async () => {
    const ids = await Promise.all(
      Array.from({ length: 8 }, async () => submittedJobId(await submitEdit(relay.url, undefined, { 'Idempotency-Key': 'burst' }))),
    );

    expect(new Set(ids).size).toBe(1);
    expect((await waitForJob(relay.url, ids[0], 5)).status).toBe('succeeded');
    expect(provider.calls).toHaveLength(1);
  });

  it('returns the finished job for a key retried after the job ended', async () => {
    const id = await submittedJobId(await submitEdit(relay.url, undefined, { 'Idempotency-Key': 'late' }));
    await waitForJob(relay.url, id, 5);

    const again = await submittedJobId(await submitEdit(relay.url, undefined, { 'Idempotency-Key': 'late' }));

    expect(again).toBe(id);
    expect(provider.calls).toHaveLength(1);
  });

  it('makes separate jobs for different keys', async () => {
    const a = await submittedJobId(await submitEdit(relay.url, undefined, { 'Idempotency-Key': 'a' }));
    const b = await submittedJobId(await submitEdit(relay.url, undefined, { 'Idempotency-Key': 'b' }));

    expect(a).not.toBe(b);
    await waitForJob(relay.url, a, 5);
    await waitForJob(relay.url, b, 5);
    expect(provider.calls).toHaveLength(2);
  });

  it('keeps keys apart per client', async () => {
    const request = { kind: 'generate', prompt: 'p', size: 'auto' } as const;
    const alice = await relay.jobs.submit(await admitted(relay.jobs, 'alice', 'shared-key'), request);
    const bob = await relay.jobs.submit(await admitted(relay.jobs, 'bob', 'shared-key'), request);

    expect(bob.id).not.toBe(alice.id);
    expect(await relay.jobs.get('bob', alice.id)).toBeUndefined();
  });
});
