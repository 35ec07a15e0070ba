import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { INTERRUPTED_MESSAGE } from '../../relay/errors';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { fetchBytes, getJob, submitEdit, submittedJobId, waitForJob } from '../helpers/job-client';
import { firstStartToken, startRelayProcess, temporaryDataDir, type ServerProcess } from '../helpers/relay-process';

const API_KEY = 'sk-test-process';

describe('the relay process, killed and started again on the same data directory', () => {
  let provider: FakeLlmEasy;
  let relay: ServerProcess;
  const dataDir = temporaryDataDir();

  function startRelay(): Promise<ServerProcess> {
    return startRelayProcess({ LLMEASY_API_KEY: API_KEY, LLMEASY_BASE_URL: provider.baseUrl, RELAY_DATA_DIR: dataDir });
  }

  /** Ends the process at once, as a crash or a power cut would: no shutdown code runs. */
  async function kill(target: ServerProcess): Promise<void> {
    target.child.kill('SIGKILL');
    await new Promise((resolve) => target.child.once('exit', resolve));
  }

  afterEach(async () => {
    await relay.stop();
    await provider.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reports a job it was making as failed, and serves one it had finished', { timeout: 60_000 }, async () => {
    let held = false;
    provider = await startFakeLlmEasy({ apiKey: API_KEY, gate: () => (held ? new Promise<void>(() => undefined) : Promise.resolve()) });
    relay = await startRelay();
    const url = () => `http://127.0.0.1:${relay.port}`;
    const { auth } = await firstStartToken(relay);
    const finished = await submittedJobId(await submitEdit(url(), undefined, auth));
    await waitForJob(url(), finished, 10, auth);
    held = true;
    const running = await submittedJobId(await submitEdit(url(), undefined, auth));
    await expect.poll(() => provider.calls.length).toBe(2);

    await kill(relay);
    relay = await startRelay();

    expect((await getJob(url(), running, 0, auth)).body).toMatchObject({ status: 'failed', error: { message: INTERRUPTED_MESSAGE } });
    expect((await getJob(url(), finished, 0, auth)).body.status).toBe('succeeded');
    const image = await fetchBytes(`${url()}/v1/jobs/${finished}/image`, auth);
    expect(image.response.headers.get('content-type')).toBe('image/png');
  });
});
