import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildEditForm } from '../../shared/edit-form';
import { DEFAULT_CLIENT_LIMITS } from '../../relay/client-limits';
import { openDiskStore } from '../../relay/store/disk/disk-store';
import { JobFiles } from '../../relay/store/disk/job-files';
import type { RelayStore } from '../../relay/store/store';
import { createToken } from '../../relay/tokens';
import { liveUpstream } from '../../relay/upstream';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { solidPng } from '../fakes/png';
import { submitEdit, submittedJobId, waitForJob } from '../helpers/job-client';
import { postWithoutEnd } from '../helpers/raw-http';
import { temporaryDataDir } from '../helpers/relay-process';
import { startRelay, type RunningRelay } from '../helpers/relay-server';

const API_KEY = 'sk-test-usage-budget-5c1d';
const RESULT = solidPng(16, 16);

describe('the usage ledger and monthly budgets, through the relay', () => {
  let provider: FakeLlmEasy;
  let relay: RunningRelay;
  let store: RelayStore;
  let alice: string;
  let bob: string;
  const clock = Date.parse('2026-12-10T09:00:00Z');

  async function start(monthlyImagesPerToken?: number) {
    relay = await startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }), store, access: { tokens: store.tokens, loopback: true }, clientLimits: DEFAULT_CLIENT_LIMITS, monthlyImagesPerToken, now: () => clock });
  }

  beforeEach(async () => {
    provider = await startFakeLlmEasy({
      apiKey: API_KEY,
      image: () => RESULT,
      respond: (call, res) => {
        if (!call.fields.prompt?.[0]?.includes('refuse')) return false;
        res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { message: 'Prompt refused by the safety system.' } }));
        return true;
      },
    });
    const dir = temporaryDataDir();
    store = await openDiskStore({ jobs: new JobFiles(dir), tokensDir: dir, ttlMs: 3_600_000, now: () => clock });
    alice = await createToken(store.tokens, 'alice');
    bob = await createToken(store.tokens, 'bob');
  });

  afterEach(async () => {
    await relay.close();
    await store.close();
    await provider.close();
  });

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const twoReferences = (prompt: string) =>
    buildEditForm({ prompt, size: '1536x1024', images: [{ filename: 'a.png', bytes: solidPng(32, 32) }, { filename: 'b.png', bytes: solidPng(20, 10) }] });

  it('writes one record per provider call, jobs and synchronous calls, with how each ended', async () => {
    await start();
    const made = await submittedJobId(await submitEdit(relay.url, twoReferences('Make it blue'), as(alice)));
    expect((await waitForJob(relay.url, made, 5, as(alice))).status).toBe('succeeded');
    const refused = await submittedJobId(await submitEdit(relay.url, twoReferences('Please refuse this'), as(alice)));
    expect((await waitForJob(relay.url, refused, 5, as(alice))).status).toBe('failed');
    const sync = await fetch(`${relay.url}/v1/images/generations`, {
      method: 'POST',
      headers: { ...as(bob), 'Content-Type': 'application/json' },
      body: JSON.stringify({ prompt: 'A fox', size: '3840x2160' }),
    });
    expect(sync.status).toBe(200);

    await expect.poll(async () => (await store.usage.between(new Date(0), new Date('2100-01-01'))).length).toBe(3);
    const records = await store.usage.between(new Date('2026-12-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'));
    const referenceBytes = solidPng(32, 32).length + solidPng(20, 10).length;
    expect(records.map(({ providerMs, ...rest }) => ({ ...rest, timed: providerMs >= 0 }))).toEqual(
      expect.arrayContaining([
        { at: '2026-12-10T09:00:00.000Z', client: 'alice', kind: 'edit', size: '1536x1024', references: 2, outcome: 'succeeded', bytesIn: referenceBytes, bytesOut: RESULT.length, timed: true },
        { at: '2026-12-10T09:00:00.000Z', client: 'alice', kind: 'edit', size: '1536x1024', references: 2, outcome: 'failed', bytesIn: referenceBytes, bytesOut: 0, timed: true },
        { at: '2026-12-10T09:00:00.000Z', client: 'bob', kind: 'generate', size: '3840x2160', references: 0, outcome: 'succeeded', bytesIn: 0, bytesOut: RESULT.length, timed: true },
      ]),
    );
  });

  it("refuses an image past the person's cap with 429 budget_exhausted before reading the body, with no provider call; others go on", async () => {
    await store.budgets.set('alice', 1);
    await start();
    const made = await submittedJobId(await submitEdit(relay.url, twoReferences('Make it blue'), as(alice)));
    expect((await waitForJob(relay.url, made, 5, as(alice))).status).toBe('succeeded');
    await expect.poll(() => store.usage.madeSince('alice', new Date('2026-12-01T00:00:00Z'))).toBe(1);

    const refused = await postWithoutEnd(`${relay.url}/v1/images/edits`, { ...as(alice), 'Content-Type': 'multipart/form-data; boundary=x', Prefer: 'respond-async' }, []);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe(String((Date.parse('2027-01-01T00:00:00Z') - clock) / 1000));
    expect(JSON.parse(refused.body).error).toEqual({
      message: 'You have made 1 of your 1 images this month, your whole monthly budget. It starts again on 1 January 2027 (UTC); if you need more before then, ask your admin.',
      type: 'invalid_request_error',
      code: 'budget_exhausted',
      budget: { monthlyImages: 1, made: 1, resetsAt: '2027-01-01T00:00:00.000Z' },
    });
    const sync = await fetch(`${relay.url}/v1/images/generations`, { method: 'POST', headers: { ...as(alice), 'Content-Type': 'application/json' }, body: JSON.stringify({ prompt: 'A fox' }) });
    expect(sync.status).toBe(429);
    expect(provider.calls).toHaveLength(1);

    expect((await submitEdit(relay.url, twoReferences('Make it red'), as(bob))).status).toBe(202);
    // A budget raised while the relay runs counts at alice's next request.
    await store.budgets.set('alice', 5);
    expect((await submitEdit(relay.url, twoReferences('Make it green'), as(alice))).status).toBe(202);
  });

  it('counts an image against the budget as soon as its client can see it made: the next request, at once, is refused', async () => {
    await store.budgets.set('alice', 1);
    await start();
    const id = await submittedJobId(await submitEdit(relay.url, twoReferences('Make it blue'), as(alice)));
    // The job's end is seen by a waiting poll the moment it is made; the next submit follows at once.
    await relay.jobs.wait('alice', id, 5_000);
    const next = await submitEdit(relay.url, twoReferences('Make it red'), as(alice));
    expect(next.status).toBe(429);
    expect(provider.calls).toHaveLength(1);
  });

  it('MONTHLY_IMAGES_PER_TOKEN caps everyone without a cap of their own; unlimited lifts it for one person', async () => {
    await store.budgets.set('bob', 'unlimited');
    await start(0);
    expect((await submitEdit(relay.url, twoReferences('Make it blue'), as(alice))).status).toBe(429);
    expect((await submitEdit(relay.url, twoReferences('Make it blue'), as(bob))).status).toBe(202);
  });

  it("GET /v1/me says the month's images and the cap", async () => {
    await store.budgets.set('alice', 200);
    await start(50);
    const made = await submittedJobId(await submitEdit(relay.url, twoReferences('Make it blue'), as(alice)));
    await waitForJob(relay.url, made, 5, as(alice));
    await expect.poll(() => store.usage.madeSince('alice', new Date('2026-12-01T00:00:00Z'))).toBe(1);
    const me = async (token: string) => (await fetch(`${relay.url}/v1/me`, { headers: as(token) })).json();
    expect(await me(alice)).toEqual({ name: 'alice', usage: { month: '2026-12', made: 1, monthlyImages: 200, resetsAt: '2027-01-01T00:00:00.000Z' } });
    expect(await me(bob)).toEqual({ name: 'bob', usage: { month: '2026-12', made: 0, monthlyImages: 50, resetsAt: '2027-01-01T00:00:00.000Z' } });
  });
});
