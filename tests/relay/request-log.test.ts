import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenStore } from '../../relay/tokens';
import { liveUpstream } from '../../relay/upstream';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { solidPng } from '../fakes/png';
import { editForm, submitEdit, submittedJobId } from '../helpers/job-client';
import { temporaryDataDir } from '../helpers/relay-process';
import { startRelay, type RunningRelay } from '../helpers/relay-server';

const API_KEY = 'sk-test-request-log-91b0';

describe('the relay log', () => {
  let provider: FakeLlmEasy;
  let relay: RunningRelay;
  let token: string;

  beforeEach(async () => {
    provider = await startFakeLlmEasy({ apiKey: API_KEY, image: () => solidPng(8, 8) });
    const tokens = new TokenStore(temporaryDataDir());
    token = tokens.create('alice');
    relay = await startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }), access: { tokens, loopback: true } });
  });

  afterEach(async () => {
    await relay.close();
    await provider.close();
  });

  const lines = () => relay.logs.map((line) => JSON.parse(line) as Record<string, unknown>);

  it('writes one JSON line per request with the token name, status, bytes and durations', async () => {
    const form = editForm();
    const bytesIn = (await new Response(form).arrayBuffer()).byteLength;
    const response = await fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${token}` } });
    const bytesOut = (await response.arrayBuffer()).byteLength;

    await expect.poll(() => lines().filter((line) => line.path === '/v1/images/edits')).toHaveLength(1);
    const [edit] = lines().filter((line) => line.path === '/v1/images/edits');
    expect(edit).toMatchObject({ client: 'alice', method: 'POST', status: 200 });
    // Counted on the wire, headers included.
    expect(edit.bytesIn).toBeGreaterThan(bytesIn);
    expect(edit.bytesIn).toBeLessThan(bytesIn + 1024);
    expect(edit.bytesOut).toBeGreaterThan(bytesOut);
    expect(edit.ms).toBeGreaterThanOrEqual(edit.upstreamMs as number);
    expect(edit.upstreamMs).toBeGreaterThanOrEqual(0);
  });

  it('counts the bytes of a chunked upload, which declares no length', async () => {
    const encoded = new Response(editForm());
    const body = new Uint8Array(await encoded.arrayBuffer());
    const chunked = new ReadableStream({
      start(controller) {
        controller.enqueue(body);
        controller.close();
      },
    });
    const response = await fetch(`${relay.url}/v1/images/edits`, {
      method: 'POST',
      body: chunked,
      duplex: 'half',
      headers: { Authorization: `Bearer ${token}`, 'content-type': encoded.headers.get('content-type')! },
    } as RequestInit);
    expect(response.status).toBe(200);
    await response.arrayBuffer();

    await expect.poll(() => lines().filter((line) => line.path === '/v1/images/edits')).toHaveLength(1);
    const [edit] = lines().filter((line) => line.path === '/v1/images/edits');
    expect(edit.bytesIn).toBeGreaterThan(body.length);
  });

  it('writes a line when a job ends, with the time the provider took and the image bytes', async () => {
    const id = await submittedJobId(await submitEdit(relay.url, editForm(), { Authorization: `Bearer ${token}` }));
    await relay.jobs.wait('alice', id, 10_000);
    const ended = lines().find((line) => line.job === id);
    expect(ended).toMatchObject({ client: 'alice', kind: 'edit', status: 'succeeded', bytesOut: solidPng(8, 8).length });
    expect(ended!.upstreamMs).toBeGreaterThanOrEqual(0);
  });

  it('logs a refused request without a client name and without the token presented', async () => {
    await fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: editForm(), headers: { Authorization: `Bearer ${token}x` } });
    await expect.poll(() => lines().filter((line) => line.status === 401)).toHaveLength(1);
    const [refused] = lines().filter((line) => line.status === 401);
    expect(refused.client).toBeUndefined();
    expect(relay.logs.join('\n')).not.toContain(token);
  });
});
