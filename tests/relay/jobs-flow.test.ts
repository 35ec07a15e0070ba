import { afterEach, describe, expect, it } from 'vitest';
import { liveUpstream } from '../../relay/upstream';
import { mappedSize, startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { solidPng } from '../fakes/png';
import { startCuttingProxy, type CuttingProxy } from '../helpers/cutting-proxy';
import { editForm, fetchBytes, getJob, submitEdit, submittedJobId, waitForJob, type ErrorBody } from '../helpers/job-client';
import { startRelay, type RunningRelay } from '../helpers/relay-server';

const API_KEY = 'sk-test-jobs-flow';

describe('image jobs', () => {
  let provider: FakeLlmEasy;
  let relay: RunningRelay;
  let proxy: CuttingProxy | undefined;

  async function start(options: Omit<Parameters<typeof startFakeLlmEasy>[0], 'apiKey'> = {}) {
    provider = await startFakeLlmEasy({ apiKey: API_KEY, ...options });
    relay = await startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }) });
  }

  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await relay.close();
    await provider.close();
  });

  it('completes behind a proxy that cuts requests idle for 2 s, while the provider takes 5 s', { timeout: 20_000 }, async () => {
    // Made before the proxy starts: encoding a PNG blocks this process, proxy included.
    const answer = solidPng(1520, 1040);
    await start({ delayMs: 5000, image: () => answer });
    proxy = await startCuttingProxy(relay.url, 2000);

    const id = await submittedJobId(await submitEdit(proxy.url, editForm('Watercolor', '1536x1024')));
    const job = await waitForJob(proxy.url, id, 0.5);
    expect(job.status).toBe('succeeded');
    const { response, bytes } = await fetchBytes(`${proxy.url}${job.image!.url}`);

    expect(response.headers.get('content-type')).toBe('image/png');
    expect(bytes).toEqual(answer);
    expect(proxy.cuts).toBe(0);
    expect(provider.calls).toHaveLength(1);
  });

  it('shows why the job API exists: the same proxy cuts a synchronous edit', { timeout: 20_000 }, async () => {
    await start({ delayMs: 5000 });
    proxy = await startCuttingProxy(relay.url, 2000);

    const response = await fetch(`${proxy.url}/v1/images/edits`, { method: 'POST', body: editForm() });

    expect(response.status).toBe(504);
    expect(proxy.cuts).toBe(1);
  });

  it('answers a submit at once with 202, the job and its Location', async () => {
    let release!: () => void;
    await start({ gate: () => new Promise<void>((resolve) => (release = resolve)) });

    const response = await submitEdit(relay.url);
    const body = (await response.json()) as { id: string; status: string; url: string };

    expect(response.status).toBe(202);
    expect(['queued', 'running']).toContain(body.status);
    expect(body.url).toBe(`/v1/jobs/${body.id}`);
    expect(response.headers.get('location')).toBe(body.url);
    await expect.poll(() => provider.calls.length).toBe(1);
    release();
  });

  it('reports a running job, then a succeeded one with its image', async () => {
    let release!: () => void;
    await start({ gate: () => new Promise<void>((resolve) => (release = resolve)) });
    const id = await submittedJobId(await submitEdit(relay.url, editForm('p', '1024x1536')));
    await expect.poll(() => provider.calls.length).toBe(1);

    const running = await getJob(relay.url, id);
    release();
    const done = await waitForJob(relay.url, id, 5);

    expect(running.body).toMatchObject({ id, status: 'running', kind: 'edit' });
    expect(running.body.finishedAt).toBeUndefined();
    const { width, height } = mappedSize('1024x1536');
    expect(done).toMatchObject({ id, status: 'succeeded', kind: 'edit', image: { url: `/v1/jobs/${id}/image`, width, height } });
    expect(Date.parse(done.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(done.createdAt));
  });

  it('ends a long poll as soon as the job ends', { timeout: 15_000 }, async () => {
    let release!: () => void;
    await start({ gate: () => new Promise<void>((resolve) => (release = resolve)) });
    const id = await submittedJobId(await submitEdit(relay.url));
    await expect.poll(() => provider.calls.length).toBe(1);

    const poll = getJob(relay.url, id, 25);
    release();

    expect((await poll).body.status).toBe('succeeded');
  });

  it('serves the image as PNG bytes with their length', async () => {
    await start();
    const id = await submittedJobId(await submitEdit(relay.url));
    const job = await waitForJob(relay.url, id, 5);

    const { response, bytes } = await fetchBytes(`${relay.url}/v1/jobs/${id}/image`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
    expect(bytes.length).toBe(job.image!.bytes);
  });

  it('answers 404 for the image of a job that has not succeeded', async () => {
    let release!: () => void;
    await start({ gate: () => new Promise<void>((resolve) => (release = resolve)) });
    const id = await submittedJobId(await submitEdit(relay.url));

    const response = await fetch(`${relay.url}/v1/jobs/${id}/image`);

    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorBody).error.message).toContain('?wait=25');
    await expect.poll(() => provider.calls.length).toBe(1);
    release();
  });

  it('answers 404 job_not_found for an unknown job', async () => {
    await start();
    for (const path of ['/v1/jobs/job_unknown', '/v1/jobs/job_unknown/image']) {
      const response = await fetch(`${relay.url}${path}`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as ErrorBody).error.code).toBe('job_not_found');
    }
    const cancel = await fetch(`${relay.url}/v1/jobs/job_unknown`, { method: 'DELETE' });
    expect(cancel.status).toBe(404);
  });

  it('refuses a wait outside 0 to 25 seconds, naming the parameter', async () => {
    await start();
    const id = await submittedJobId(await submitEdit(relay.url));

    const { status, body } = await getJob(relay.url, id, 26);

    expect(status).toBe(400);
    expect(body.error.message).toContain('wait must be a number of seconds from 0 to 25');
  });

  it('reports a provider refusal as a failed job with the provider message', async () => {
    await start({
      respond: (_call, res) => {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'Rejected by the safety system', code: 'moderation_blocked' } }));
        return true;
      },
    });
    const id = await submittedJobId(await submitEdit(relay.url));

    const job = await waitForJob(relay.url, id, 5);

    expect(job.status).toBe('failed');
    expect(job.error).toEqual({ message: expect.stringContaining('Rejected by the safety system'), type: 'invalid_request_error', code: 'moderation_blocked' });
  });

  it('refuses an invalid submit before making a job or calling the provider', async () => {
    await start();
    const form = editForm();
    form.set('size', '640x480');

    const response = await submitEdit(relay.url, form);

    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.message).toContain('Size must be one of');
    expect(provider.calls).toHaveLength(0);
  });

  it('recognises respond-async among other preferences', async () => {
    await start();

    const response = await submitEdit(relay.url, editForm(), { Prefer: 'return=minimal, wait=10, Respond-Async' });

    expect(response.status).toBe(202);
    expect(response.headers.get('preference-applied')).toBe('respond-async');
  });

  it('refuses an Idempotency-Key longer than 255 characters', async () => {
    await start();

    const response = await submitEdit(relay.url, editForm(), { 'Idempotency-Key': 'k'.repeat(256) });

    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.message).toContain('Idempotency-Key must be 1 to 255 characters');
    expect(provider.calls).toHaveLength(0);
  });

  it('allows DELETE and Idempotency-Key in CORS and exposes Location to the plugin', async () => {
    await start();
    const preflight = await fetch(`${relay.url}/v1/jobs/job_x`, {
      method: 'OPTIONS',
      headers: { Origin: 'null', 'Access-Control-Request-Method': 'DELETE', 'Access-Control-Request-Headers': 'idempotency-key,prefer' },
    });
    expect(preflight.headers.get('access-control-allow-methods')).toContain('DELETE');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');

    const submit = await submitEdit(relay.url, editForm(), { Origin: 'null' });
    expect(submit.headers.get('access-control-expose-headers')).toContain('Location');
  });
});
