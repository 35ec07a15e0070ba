import { request } from 'node:http';
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { editForm, submitEdit, submittedJobId } from '../helpers/job-client';
import { postWithoutEnd, type RawAnswer } from '../helpers/raw-http';
import { firstStartToken, startRelayProcess, temporaryDataDir, type ServerProcess } from '../helpers/relay-process';

const API_KEY = 'sk-test-stalled-upload';
const STALL_MESSAGE = 'The upload stalled: nothing arrived for 1 s, so the relay stopped waiting. Check the connection and send it again.';

/** An edit's multipart body as a client sends it. */
async function editBody(): Promise<{ contentType: string; bytes: Uint8Array }> {
  const encoded = new Request('http://relay/', { method: 'POST', body: editForm() });
  return { contentType: encoded.headers.get('content-type')!, bytes: new Uint8Array(await encoded.arrayBuffer()) };
}

/** The answers, or 'no answer' for those still waiting after `ms`. */
function answeredWithin(uploads: Promise<RawAnswer>[], ms: number): Promise<(RawAnswer | 'no answer')[]> {
  return Promise.all(uploads.map((upload) => Promise.race([upload, new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), ms))])));
}

function logLines(relay: ServerProcess): Record<string, unknown>[] {
  return relay
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('an upload that stalls halfway', () => {
  let provider: FakeLlmEasy;
  let relay: ServerProcess;
  let dataDir: string;
  /** The header presenting the token the live relay made on its start. */
  let auth: Record<string, string>;

  beforeEach(async () => {
    provider = await startFakeLlmEasy({ apiKey: API_KEY });
    dataDir = temporaryDataDir();
    relay = await startRelayProcess({ LLMEASY_API_KEY: API_KEY, LLMEASY_BASE_URL: provider.baseUrl, RELAY_DATA_DIR: dataDir, BODY_IDLE_TIMEOUT_SECONDS: '1' });
    ({ auth } = await firstStartToken(relay));
  });

  afterEach(async () => {
    await relay.stop();
    await provider.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is cut with 408 after BODY_IDLE_TIMEOUT_SECONDS, gives its place back at once, and is logged', async () => {
    const { contentType, bytes } = await editBody();
    const headers = { ...auth, 'content-type': contentType, 'content-length': String(bytes.length), prefer: 'respond-async' };
    const stalled = Array.from({ length: 4 }, () => postWithoutEnd(`${relay.url}/v1/images/edits`, headers, [bytes.subarray(0, bytes.length / 2)]));
    // The four hold all of the token's places while they upload.
    await expect.poll(async () => (await submitEdit(relay.url, undefined, auth)).status).toBe(429);

    const answers = await answeredWithin(stalled, 10_000);
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 408, headers: { connection: 'close' } });
      expect(JSON.parse((answer as RawAnswer).body).error).toMatchObject({ code: 'upload_stalled', message: STALL_MESSAGE });
    }
    expect(await submittedJobId(await submitEdit(relay.url, undefined, auth))).toMatch(/^job_/);
    await expect.poll(() => provider.calls.length).toBe(1);
    await expect.poll(() => logLines(relay).filter((line) => line.path === '/v1/images/edits' && line.status === 408)).toHaveLength(4);
  });

  it('is cut on the synchronous path and for text to image too', async () => {
    const body = Buffer.from(JSON.stringify({ prompt: 'A lighthouse at dawn', size: '1024x1024' }));
    const headers = { ...auth, 'content-type': 'application/json', 'content-length': String(body.length) };
    const [answer] = await answeredWithin([postWithoutEnd(`${relay.url}/v1/images/generations`, headers, [body.subarray(0, 10)])], 10_000);
    expect(answer).toMatchObject({ status: 408 });
    expect(provider.calls).toHaveLength(0);
  });

  it('is not cut while bytes keep arriving, however slowly', async () => {
    const { contentType, bytes } = await editBody();
    const steps = 6;
    const answer = await new Promise<number>((resolve, reject) => {
      const upload = request(`${relay.url}/v1/images/edits`, { method: 'POST', headers: { ...auth, 'content-type': contentType, 'content-length': String(bytes.length) }, agent: false });
      upload.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      upload.on('error', reject);
      // Six pieces, 400 ms apart: 2 s in all, never 1 s without a byte.
      const piece = Math.ceil(bytes.length / steps);
      let sent = 0;
      const next = () => {
        upload.write(bytes.subarray(sent, sent + piece));
        sent += piece;
        if (sent >= bytes.length) upload.end();
        else setTimeout(next, 400);
      };
      next();
    });
    expect(answer).toBe(200);
  });
});
