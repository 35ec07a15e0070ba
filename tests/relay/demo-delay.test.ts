import { afterEach, describe, expect, it } from 'vitest';
import { demoUpstream } from '../../relay/demo-upstream';
import { solidPng } from '../fakes/png';
import { getJob, submitEdit, submittedJobId, waitForJob } from '../helpers/job-client';
import { startRelayProcess, temporaryDataDir, type ServerProcess } from '../helpers/relay-process';

describe('DEMO_DELAY_SECONDS', { timeout: 60_000 }, () => {
  let relay: ServerProcess | undefined;

  afterEach(async () => {
    await relay?.stop();
    relay = undefined;
  });

  it('makes the demo relay wait that long before it answers, as a real provider call does', async () => {
    relay = await startRelayProcess({ HOST: '127.0.0.1', LLMEASY_API_KEY: '', DEMO_DELAY_SECONDS: '600', RELAY_DATA_DIR: temporaryDataDir() });
    const id = await submittedJobId(await submitEdit(relay.url));
    // Far longer than drawing a demo image takes.
    expect((await getJob(relay.url, id, 10)).body.status).toBe('running');
    const cancelled = await fetch(`${relay.url}/v1/jobs/${id}`, { method: 'DELETE' });
    expect(await cancelled.json()).toEqual({ id, status: 'cancelled' });
  });

  it('answers once the delay has passed', async () => {
    relay = await startRelayProcess({ HOST: '127.0.0.1', LLMEASY_API_KEY: '', DEMO_DELAY_SECONDS: '1', RELAY_DATA_DIR: temporaryDataDir() });
    const started = performance.now();
    const id = await submittedJobId(await submitEdit(relay.url));
    expect((await waitForJob(relay.url, id, 10)).status).toBe('succeeded');
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('is refused when it is not a number of seconds, with what to write', async () => {
    relay = await startRelayProcess({ HOST: '127.0.0.1', LLMEASY_API_KEY: '', DEMO_DELAY_SECONDS: 'soon', RELAY_DATA_DIR: temporaryDataDir() }).catch((error: Error) => {
      expect(error.message).toContain('DEMO_DELAY_SECONDS must be a whole number from 0 to 3600; it is "soon".');
      return undefined;
    });
    expect(relay).toBeUndefined();
  });

  it('gives up waiting at once when the call is aborted (a cancelled job, a client gone)', async () => {
    const upstream = demoUpstream({ delayMs: 10 * 60_000 });
    const aborted = new AbortController();
    const png = solidPng(8, 8);
    const call = upstream({ kind: 'edit', prompt: 'p', size: '1024x1024', images: [{ filename: 'a.png', type: 'image/png', pieces: [png], length: png.length }] }, aborted.signal);
    setTimeout(() => aborted.abort(), 50);
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  });
});
