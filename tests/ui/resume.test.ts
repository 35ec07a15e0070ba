import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPlugin } from '../../plugin/controller';
import { TokenFiles } from '../../relay/store/disk/token-files';
import { createToken } from '../../relay/tokens';
import { liveUpstream } from '../../relay/upstream';
import type { PendingJob } from '../../shared/protocol';
import { type JobClient, jobRequestFor, relayJobClient } from '../../ui/job-client';
import { runVariant, type VariantSpec } from '../../ui/variant-run';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { solidPng } from '../fakes/png';
import { reopenAndResume, sandboxOn } from '../helpers/fake-sandbox';
import { temporaryDataDir } from '../helpers/relay-process';
import { startRelay, type RunningRelay } from '../helpers/relay-server';
import { storedPendingJobs } from '../helpers/stored-jobs';

const API_KEY = 'sk-resume-test';

/**
 * A job is recorded before its upload, so a panel closed at any moment loses nothing and pays for
 * nothing twice: reopened, the plugin asks the relay by the job's Idempotency-Key and, when the
 * relay never got it, sends it again with the same key.
 */
describe('a job recorded before it can cost anything', () => {
  const tokens = new TokenFiles(temporaryDataDir());
  let token: string;
  let provider: FakeLlmEasy;
  let relay: RunningRelay;
  let figma: FakeFigma;

  beforeAll(async () => {
    token = await createToken(tokens, 'ana');
    provider = await startFakeLlmEasy({ apiKey: API_KEY, delayMs: 300 });
    relay = await startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }), access: { tokens, loopback: true } });
  });

  afterAll(async () => {
    await relay.close();
    await provider.close();
    await tokens.flush();
  });

  beforeEach(() => {
    provider.calls.length = 0;
    figma = new FakeFigma();
    startPlugin(figma);
  });

  afterEach(() => figma.closePlugin());

  function newEdit(key: string, prompt = 'Neon'): VariantSpec {
    const card = figma.addFrame('Card', { x: 0, y: 0, width: 200, height: 200 });
    const generation = { prompt, size: '1024x1024' as const, sourceNodeIds: [card.id], createdAt: '2026-11-26T10:00:00.000Z' };
    return {
      job: { kind: 'new', request: jobRequestFor(generation, [{ bytes: solidPng(32, 32) }]) },
      idempotencyKey: key,
      generation,
      placement: { kind: 'beside' },
      referenceNames: ['Card'],
      relay: { relayUrl: relay.url, accessToken: token },
      startedAt: Date.now(),
      notifyOnPlace: () => undefined,
    };
  }

  /** The jobs client of a panel that closes: `submit` sends (or not) and then never hears back. */
  function closingPanel(sends: boolean): JobClient {
    const jobs = relayJobClient({ relayUrl: relay.url, accessToken: token });
    return {
      ...jobs,
      submit: async (request, key, signal) => {
        if (sends) await jobs.submit(request, key, signal);
        return new Promise(() => {});
      },
    };
  }

  const reopen = async () => (await reopenAndResume(figma)).finals;

  const pending = () => storedPendingJobs(figma.storage) ?? [];

  it('is in clientStorage, with its key, its relay and its token, before its upload begins', async () => {
    const spec = newEdit('before-upload');
    const jobs = relayJobClient(spec.relay);
    let storedAtUpload: PendingJob[] = [];
    const watching: JobClient = {
      ...jobs,
      submit: (request, key, signal) => {
        storedAtUpload = structuredClone(pending());
        return jobs.submit(request, key, signal);
      },
    };
    expect((await runVariant(watching, sandboxOn(figma), spec, new AbortController().signal, () => {})).phase).toBe('placed');
    expect(storedAtUpload).toEqual([
      {
        idempotencyKey: 'before-upload', relayUrl: relay.url, accessToken: token, generation: spec.generation, placement: { kind: 'beside' },
        referenceNames: ['Card'], submittedAt: new Date(spec.startedAt).toISOString(), fileId: figma.root.getPluginData('file-id'),
      },
    ]);
    expect(pending()).toEqual([]);
  });

  it('closed after the upload, before the relay answered: reopened, the relay answers the key with the job it has, placed once', async () => {
    void runVariant(closingPanel(true), sandboxOn(figma), newEdit('closed-late'), new AbortController().signal, () => {});
    await expect.poll(() => provider.calls.length).toBe(1);
    expect(pending().map((job) => [job.idempotencyKey, job.jobId])).toEqual([['closed-late', undefined]]);

    const [final] = await reopen();
    expect(final.phase).toBe('placed');
    expect(provider.calls).toHaveLength(1);
    expect(figma.page.children.map((node) => node.name)).toEqual(['Card', 'Neon']);
    expect(pending()).toEqual([]);
  });

  it('closed during the upload: reopened, its layers are exported again and sent with the same key, made once', async () => {
    void runVariant(closingPanel(false), sandboxOn(figma), newEdit('closed-early', 'Chrome'), new AbortController().signal, () => {});
    await expect.poll(() => pending().length).toBe(1);
    expect(provider.calls).toHaveLength(0);

    const [final] = await reopen();
    expect(final.phase).toBe('placed');
    expect(provider.calls.map((call) => [call.fields.prompt, call.images.map((image) => [image.width, image.height])])).toEqual([[['Chrome'], [[200, 200]]]]);
    expect(pending()).toEqual([]);
  });

  it('closed during the upload of a text-to-image: reopened, it is sent again from its prompt', async () => {
    const generation = { prompt: 'A lighthouse at dawn', size: '1536x1024' as const, sourceNodeIds: [], createdAt: '2026-11-26T10:00:00.000Z' };
    const spec: VariantSpec = { ...newEdit('closed-text'), job: { kind: 'new', request: jobRequestFor(generation, []) }, generation, referenceNames: [] };
    void runVariant(closingPanel(false), sandboxOn(figma), spec, new AbortController().signal, () => {});
    await expect.poll(() => pending().length).toBe(1);

    const [final] = await reopen();
    expect(final.phase).toBe('placed');
    expect(provider.calls.map((call) => [call.endpoint, call.fields.prompt])).toEqual([['generations', ['A lighthouse at dawn']]]);
  });

  it('closed during the upload, its layers deleted since: says plainly it was never started, charges nothing, forgets it', async () => {
    const spec = newEdit('closed-gone');
    void runVariant(closingPanel(false), sandboxOn(figma), spec, new AbortController().signal, () => {});
    await expect.poll(() => pending().length).toBe(1);
    figma.findNode((node) => node.name === 'Card')!.remove();

    const [final] = await reopen();
    expect(final).toEqual({
      phase: 'failed',
      message: 'This image was never started: Reimage closed while sending it. Some of the layers it was made from are no longer in this file. Select the layers and generate again.',
    });
    expect(provider.calls).toHaveLength(0);
    await expect.poll(() => pending()).toEqual([]);
  });

  it('cancelled while its upload was answered: the relay’s job is found by its key and cancelled', async () => {
    let started: string | undefined;
    const jobs = relayJobClient({ relayUrl: relay.url, accessToken: token });
    const controller = new AbortController();
    const slowAnswer: JobClient = {
      ...jobs,
      submit: async (request, key) => {
        started = (await jobs.submit(request, key)).id;
        // The designer pressed Cancel before the answer reached the panel.
        controller.abort();
        throw new DOMException('The operation was aborted.', 'AbortError');
      },
    };
    const final = await runVariant(slowAnswer, sandboxOn(figma), newEdit('cancel-mid'), controller.signal, () => {});
    expect(final.phase).toBe('cancelled');
    expect(await relay.jobs.get('ana', started!)).toMatchObject({ status: 'cancelled' });
    await expect.poll(() => pending()).toEqual([]);
  });
});
