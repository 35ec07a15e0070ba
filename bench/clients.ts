import { Agent, request } from 'undici';
import type { EncodedRequest } from './bench-request';
import type { RelayTarget } from './relay-env';

/**
 * The three ways a client gets an image: straight from the provider, through the relay's
 * synchronous OpenAI-compatible call, and through a relay job (submit, long-poll, download).
 * Each reads the whole answer, as a client must before it can use the image.
 */
export type Send = () => Promise<void>;

// A new connection per request: on a loaded machine a kept-alive connection can be reused just as
// the server closes it (ECONNRESET), and on loopback a connect costs far less than a request here.
const agent = new Agent({ connections: 256, pipelining: 0, headersTimeout: 0, bodyTimeout: 0 });

async function expectStatus(statusCode: number, expected: number, what: string, body: { text(): Promise<string> }): Promise<void> {
  if (statusCode !== expected) throw new Error(`${what} answered HTTP ${statusCode}, not ${expected}: ${(await body.text()).slice(0, 300)}`);
}

async function post(url: string, edit: EncodedRequest, headers: Record<string, string> = {}) {
  return request(url, {
    method: 'POST',
    body: edit.body,
    headers: { 'content-type': edit.contentType, ...headers },
    dispatcher: agent,
  });
}

export function directToProvider(baseUrl: string, apiKey: string, edit: EncodedRequest): Send {
  return async () => {
    const { statusCode, body } = await post(`${baseUrl}/images/edits`, edit, { authorization: `Bearer ${apiKey}` });
    await expectStatus(statusCode, 200, 'The provider', body);
    await body.arrayBuffer();
  };
}

const bearer = (relay: RelayTarget) => ({ authorization: `Bearer ${relay.token}` });

export function relaySync(relay: RelayTarget, edit: EncodedRequest): Send {
  return async () => {
    const { statusCode, body } = await post(`${relay.url}/v1/images/edits`, edit, bearer(relay));
    await expectStatus(statusCode, 200, 'The relay (synchronous)', body);
    await body.arrayBuffer();
  };
}

interface JobStatus {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  image?: { url: string };
  error?: { message: string };
}

export function relayJob(relay: RelayTarget, edit: EncodedRequest): Send {
  return async () => {
    const submitted = await post(`${relay.url}/v1/images/edits`, edit, { ...bearer(relay), prefer: 'respond-async' });
    await expectStatus(submitted.statusCode, 202, 'The relay (job submit)', submitted.body);
    let job = (await submitted.body.json()) as JobStatus;
    while (job.status === 'queued' || job.status === 'running') {
      const polled = await request(`${relay.url}/v1/jobs/${job.id}?wait=25`, { headers: bearer(relay), dispatcher: agent });
      await expectStatus(polled.statusCode, 200, 'The relay (job poll)', polled.body);
      job = (await polled.body.json()) as JobStatus;
    }
    if (job.status !== 'succeeded' || !job.image) throw new Error(`A relay job ended ${job.status}: ${job.error?.message ?? 'no image'}`);
    const image = await request(new URL(job.image.url, relay.url), { headers: bearer(relay), dispatcher: agent });
    await expectStatus(image.statusCode, 200, 'The relay (job image)', image.body);
    await image.body.arrayBuffer();
  };
}

export function closeClients(): Promise<void> {
  return agent.close();
}
