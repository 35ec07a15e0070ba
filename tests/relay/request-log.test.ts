import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RelayEnv } from '../../relay/client';
import { requestLog } from '../../relay/request-log';
import { TokenFiles } from '../../relay/store/disk/token-files';
import { createToken } from '../../relay/tokens';
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
    provider = await startFakeLlmEasy({ apiKey: API_KEY, image: () => solidPng(8, 8), gate: (call) => (call.fields.prompt[0] === 'slow' ? new Promise((resolve) => setTimeout(resolve, 2000)) : Promise.resolve()) });
    const tokens = new TokenFiles(temporaryDataDir());
    token = await createToken(tokens, 'alice');
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

  it('logs a synchronous call whose client left while the provider worked, as 499', async () => {
    const left = new AbortController();
    const pending = fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: editForm('slow'), headers: { Authorization: `Bearer ${token}` }, signal: left.signal });
    await expect.poll(() => provider.calls.length).toBe(1);
    left.abort();
    await pending.catch(() => undefined);
    await expect.poll(() => lines().filter((line) => line.path === '/v1/images/edits')).toHaveLength(1);
    expect(lines().find((line) => line.path === '/v1/images/edits')).toMatchObject({ client: 'alice', method: 'POST', status: 499, bytesOut: 0 });
  });

  it('logs a long poll whose client left before the job ended, as 499', async () => {
    const id = await submittedJobId(await submitEdit(relay.url, editForm('slow'), { Authorization: `Bearer ${token}` }));
    const left = new AbortController();
    const pending = fetch(`${relay.url}/v1/jobs/${id}?wait=25`, { headers: { Authorization: `Bearer ${token}` }, signal: left.signal });
    await new Promise((resolve) => setTimeout(resolve, 200));
    left.abort();
    await pending.catch(() => undefined);
    await expect.poll(() => lines().filter((line) => line.path === `/v1/jobs/${id}`)).toHaveLength(1);
    expect(lines().find((line) => line.path === `/v1/jobs/${id}`)).toMatchObject({ client: 'alice', method: 'GET', status: 499 });
  });
});

describe('the relay log under a middleware that answers on its own', () => {
  it('logs the status written straight onto the connection, as a timeout does, not the one Hono holds', async () => {
    const logs: Record<string, unknown>[] = [];
    const app = new Hono<RelayEnv>();
    app.use('*', requestLog((line) => logs.push(line)));
    // Like a body idle timeout: the upload stalls, so the answer is written and the connection closed
    // while the handler is still waiting for the body.
    app.post('/upload', async (c) => {
      setTimeout(() => {
        c.env.outgoing.writeHead(408, { 'content-type': 'text/plain', connection: 'close' }).end('Request Timeout');
        c.env.incoming.destroy();
      }, 100);
      await new Promise((resolve) => c.env.incoming.once('close', resolve));
      return RESPONSE_ALREADY_SENT;
    });
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }) as Server;
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const stalled = new ReadableStream({ start: (controller) => controller.enqueue(new Uint8Array(10)) });
      const response = await fetch(`http://127.0.0.1:${port}/upload`, { method: 'POST', body: stalled, duplex: 'half' } as RequestInit);
      expect(response.status).toBe(408);
      await expect.poll(() => logs).toHaveLength(1);
      expect(logs[0]).toMatchObject({ method: 'POST', path: '/upload', status: 408 });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
