import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_LIMITS } from '../../relay/client-limits';
import { TokenFiles } from '../../relay/store/disk/token-files';
import { createToken } from '../../relay/tokens';
import { liveUpstream } from '../../relay/upstream';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { solidPng } from '../fakes/png';
import { editForm, submitEdit, submittedJobId } from '../helpers/job-client';
import { postWithoutEnd } from '../helpers/raw-http';
import { temporaryDataDir } from '../helpers/relay-process';
import { startRelay, type RunningRelay } from '../helpers/relay-server';

const API_KEY = 'sk-test-client-limits-77e1';
const SMALL_PNG = solidPng(8, 8);

describe('per-token limits', () => {
  let provider: FakeLlmEasy;
  let relay: RunningRelay;
  let release: () => void;
  let clock: number;
  let alice: string;
  let bob: string;

  beforeEach(async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    release = open;
    clock = Date.parse('2026-01-01T10:00:00Z');
    provider = await startFakeLlmEasy({ apiKey: API_KEY, gate: () => gate, image: () => SMALL_PNG });
    const tokens = new TokenFiles(temporaryDataDir());
    alice = await createToken(tokens, 'alice');
    bob = await createToken(tokens, 'bob');
    relay = await startRelay({
      upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }),
      access: { tokens, loopback: true },
      clientLimits: { maxConcurrent: DEFAULT_CLIENT_LIMITS.maxConcurrent, maxPerMinute: 6 },
      now: () => clock,
    });
  });

  afterEach(async () => {
    release();
    await relay.close();
    await provider.close();
  });

  const as = (token: string, headers: Record<string, string> = {}) => ({ Authorization: `Bearer ${token}`, ...headers });

  it('refuses a fifth image at once for one token with 429 and Retry-After, without calling the provider', async () => {
    for (let i = 0; i < 4; i++) await submittedJobId(await submitEdit(relay.url, editForm(), as(alice)));
    await expect.poll(() => provider.calls.length).toBe(4);

    const refused = await submitEdit(relay.url, editForm(), as(alice));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('15');
    expect(((await refused.json()) as { error: { message: string; code: string } }).error).toMatchObject({
      code: 'too_many_jobs',
      message: 'You already have 4 images being made, the most the relay makes at once for one person. Wait for one to finish, then try again.',
    });
    expect(provider.calls).toHaveLength(4);
  });

  it('refuses a client over its limit before reading its body', async () => {
    for (let i = 0; i < 4; i++) await submittedJobId(await submitEdit(relay.url, editForm(), as(alice)));

    const refused = await postWithoutEnd(`${relay.url}/v1/images/edits`, as(alice, { 'Content-Type': 'multipart/form-data; boundary=x', Prefer: 'respond-async' }), []);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body).error.code).toBe('too_many_jobs');
  });

  it('counts synchronous calls with jobs', async () => {
    const sync = Array.from({ length: 4 }, () => fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: editForm(), headers: as(alice) }));
    await expect.poll(() => provider.calls.length).toBe(4);
    expect((await submitEdit(relay.url, editForm(), as(alice))).status).toBe(429);
    release();
    expect((await Promise.all(sync)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });

  it('lets another token work while one is at its limit', async () => {
    for (let i = 0; i < 4; i++) await submittedJobId(await submitEdit(relay.url, editForm(), as(alice)));
    expect((await submitEdit(relay.url, editForm(), as(bob))).status).toBe(202);
  });

  it('frees a slot when a job ends', async () => {
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await submittedJobId(await submitEdit(relay.url, editForm(), as(alice))));
    release();
    await Promise.all(ids.map((id) => relay.jobs.wait('alice', id, 10_000)));
    expect((await submitEdit(relay.url, editForm(), as(alice))).status).toBe(202);
  });

  it('refuses more images per minute than allowed with 429 and the seconds to wait', async () => {
    release();
    for (let i = 0; i < 6; i++) {
      const id = await submittedJobId(await submitEdit(relay.url, editForm(), as(alice)));
      await relay.jobs.wait('alice', id, 10_000);
      clock += 5_000;
    }
    const refused = await submitEdit(relay.url, editForm(), as(alice));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
      'You started 6 images in the last minute, the most the relay allows one person. Wait 30 s, then try again.',
    );
    expect(provider.calls).toHaveLength(6);

    clock += 30_000;
    expect((await submitEdit(relay.url, editForm(), as(alice))).status).toBe(202);
  });

  it('answers 20 submits sent together with one Idempotency-Key with the same job, none refused, one provider call', async () => {
    const encoded = new Request('http://relay/', { method: 'POST', body: editForm() });
    const body = Buffer.from(await encoded.arrayBuffer());
    const headers = as(alice, { 'Idempotency-Key': 'burst-20', Prefer: 'respond-async', 'Content-Type': encoded.headers.get('content-type')!, 'Content-Length': String(body.length) });
    // Every upload is under way before any has ended, as when a client retries while its first upload is still going.
    const uploads = Array.from({ length: 20 }, () => {
      const upload = request(`${relay.url}/v1/images/edits`, { method: 'POST', headers, agent: false });
      const answer = new Promise<{ status: number; id: string }>((resolve, reject) => {
        upload.on('error', reject);
        upload.on('response', (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, id: (JSON.parse(text) as { id?: string }).id ?? text }));
        });
      });
      upload.write(body.subarray(0, body.length / 2));
      return { upload, answer };
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const { upload } of uploads) upload.end(body.subarray(body.length / 2));
    const answers = await Promise.all(uploads.map(({ answer }) => answer));

    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(202));
    expect(new Set(answers.map((answer) => answer.id)).size).toBe(1);
    await expect.poll(() => provider.calls.length).toBe(1);
    // The other three places are still free.
    for (let i = 0; i < 3; i++) expect((await submitEdit(relay.url, editForm(), as(alice))).status).toBe(202);
    await expect.poll(() => provider.calls.length).toBe(4);
  });

  it('counts only provider calls that started against the minute, not invalid, refused or duplicate requests', async () => {
    const invalid = editForm();
    invalid.set('size', '999x999');
    for (let i = 0; i < 10; i++) expect((await submitEdit(relay.url, invalid, as(alice))).status).toBe(400);
    const first = await Promise.all(Array.from({ length: 5 }, () => submitEdit(relay.url, editForm(), as(alice, { 'Idempotency-Key': 'dup' }))));
    expect(first.map((answer) => answer.status)).toEqual(Array(5).fill(202));
    for (let i = 0; i < 3; i++) await submittedJobId(await submitEdit(relay.url, editForm(), as(alice)));
    expect((await submitEdit(relay.url, editForm(), as(alice))).status).toBe(429); // all four places busy
    release();
    await expect.poll(() => provider.calls.length).toBe(4);
    await expect.poll(async () => (await submitEdit(relay.url, editForm(), as(alice))).status).toBe(202);
    await submittedJobId(await submitEdit(relay.url, editForm(), as(alice)));

    const refused = await submitEdit(relay.url, editForm(), as(alice));
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
      'You started 6 images in the last minute, the most the relay allows one person. Wait 60 s, then try again.',
    );
    expect(provider.calls).toHaveLength(6);
  });

  it('does not count a retried Idempotency-Key against the limits', async () => {
    const first = await submittedJobId(await submitEdit(relay.url, editForm(), as(alice, { 'Idempotency-Key': 'k1' })));
    for (let i = 0; i < 3; i++) await submittedJobId(await submitEdit(relay.url, editForm(), as(alice)));
    const retried = await submitEdit(relay.url, editForm(), as(alice, { 'Idempotency-Key': 'k1' }));
    expect(await submittedJobId(retried)).toBe(first);
  });
});
