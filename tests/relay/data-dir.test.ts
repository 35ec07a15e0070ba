import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { solidPng } from '../fakes/png';
import { submitEdit, submittedJobId, waitForJob } from '../helpers/job-client';
import { firstStartToken, startRelayProcess, temporaryDataDir, type ServerProcess } from '../helpers/relay-process';

const API_KEY = 'sk-test-data-dir-5a0f';

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** Every file under the folder, as paths relative to it. */
function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => statSync(join(dir, name), { throwIfNoEntry: false })?.isFile()).sort();
}

describe('the data directory', { timeout: 60_000 }, () => {
  let provider: FakeLlmEasy | undefined;
  let relay: ServerProcess;

  afterEach(async () => {
    await relay.stop();
    await provider?.close();
    provider = undefined;
  });

  it('is created readable by the relay\'s user only, with the jobs and images in it, in demo mode', async () => {
    const dataDir = join(temporaryDataDir(), 'relay-data');
    relay = await startRelayProcess({ HOST: '127.0.0.1', LLMEASY_API_KEY: '', RELAY_DATA_DIR: dataDir });
    const id = await submittedJobId(await submitEdit(relay.url));
    expect((await waitForJob(relay.url, id, 10)).status).toBe('succeeded');

    expect([modeOf(dataDir), modeOf(join(dataDir, 'jobs'))]).toEqual([0o700, 0o700]);
    // The job succeeds as soon as its PNG is in memory; its files follow.
    await expect.poll(() => filesIn(dataDir)).toEqual([`jobs/${id}.json`, `jobs/${id}.png`, 'usage.jsonl']);
    for (const file of filesIn(dataDir)) expect([file, modeOf(join(dataDir, file))]).toEqual([file, 0o600]);
  });

  it('is created readable by the relay\'s user only, with the tokens in it, in live mode', async () => {
    provider = await startFakeLlmEasy({ apiKey: API_KEY, image: () => solidPng(8, 8) });
    // A folder the relay has to create, inside one that exists.
    const dataDir = join(temporaryDataDir(), 'relay-data');
    relay = await startRelayProcess({ HOST: '127.0.0.1', LLMEASY_API_KEY: API_KEY, LLMEASY_BASE_URL: provider.baseUrl, RELAY_DATA_DIR: dataDir });
    const { auth } = await firstStartToken(relay);
    const id = await submittedJobId(await submitEdit(relay.url, undefined, auth));
    expect((await waitForJob(relay.url, id, 10, auth)).status).toBe('succeeded');

    expect([modeOf(dataDir), modeOf(join(dataDir, 'jobs'))]).toEqual([0o700, 0o700]);
    await expect.poll(() => filesIn(dataDir)).toEqual([`jobs/${id}.json`, `jobs/${id}.png`, 'local-token', 'token-usage.json', 'tokens.json', 'usage.jsonl']);
    for (const file of filesIn(dataDir)) expect([file, modeOf(join(dataDir, file))]).toEqual([file, 0o600]);
  });
});
