import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPlugin } from '../../plugin/controller';
import { INTERRUPTED_MESSAGE } from '../../relay/errors';
import { liveUpstream } from '../../relay/upstream';
import { buildEditForm } from '../../shared/edit-form';
import { relayJobClient } from '../../ui/job-client';
import { runVariant, type VariantSpec, type VariantState } from '../../ui/variant-run';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { mappedSize, startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { solidPng } from '../fakes/png';
import { startCuttingProxy, type CuttingProxy } from '../helpers/cutting-proxy';
import { sandboxOn } from '../helpers/fake-sandbox';
import { startRelay, type RunningRelay } from '../helpers/relay-server';
import { storedPendingJobs } from '../helpers/stored-jobs';

const API_KEY = 'sk-resilience-test';
/** Short polls and retries, so the tests see several of each in a few seconds. */
const QUICK_POLLS = { waitSeconds: 1, firstRetryDelayMs: 100 };

describe('the plugin keeps its images through proxies, relay restarts and closed panels', () => {
  let provider: FakeLlmEasy;
  let relay: RunningRelay | undefined;
  let proxy: CuttingProxy | undefined;
  let dataDir: string;

  afterEach(async () => {
    await proxy?.close();
    await relay?.close();
    await provider.close();
    await rm(dataDir, { recursive: true, force: true });
    proxy = undefined;
    relay = undefined;
  });

  async function setUp(delayMs: number) {
    provider = await startFakeLlmEasy({ apiKey: API_KEY, delayMs });
    dataDir = await mkdtemp(join(tmpdir(), 'reimage-ui-'));
    relay = await startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }), dataDir });
  }

  function restartRelay(port: number) {
    return startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }), dataDir, port });
  }

  function editSpec(figma: FakeFigma, relayUrl: string, key: string): VariantSpec {
    const source = figma.addFrame('Card', { x: 0, y: 0, width: 200, height: 200 });
    return {
      job: {
        kind: 'new',
        request: { kind: 'edit', form: buildEditForm({ prompt: 'Neon', size: '1024x1024', images: [{ filename: 'reference-1.png', bytes: solidPng(32, 32) }] }) },
      },
      idempotencyKey: key,
      generation: { prompt: 'Neon', size: '1024x1024', sourceNodeIds: [source.id], createdAt: '2026-11-26T10:00:00.000Z' },
      placement: { kind: 'beside' },
      referenceNames: ['Card'],
      relay: { relayUrl, accessToken: '' },
      startedAt: Date.now(),
      notifyOnPlace: () => undefined,
    };
  }

  it('places the image through a proxy that cuts requests idle for 2 s while the provider takes 5 s', { timeout: 30_000 }, async () => {
    await setUp(5000);
    proxy = await startCuttingProxy(relay!.url, 2000);
    const figma = new FakeFigma();
    startPlugin(figma);
    const jobs = relayJobClient({ relayUrl: proxy.url, accessToken: '' }, QUICK_POLLS);

    const final = await runVariant(jobs, sandboxOn(figma), editSpec(figma, proxy.url, 'proxy-1'), new AbortController().signal, () => {});

    expect(final).toMatchObject({ phase: 'placed', ...mappedSize('1024x1024') });
    expect(figma.page.children).toHaveLength(2);
  });

  it('says it is retrying while the relay is down, then places the finished image once it is back', { timeout: 30_000 }, async () => {
    await setUp(300);
    const port = Number(new URL(relay!.url).port);
    const figma = new FakeFigma();
    startPlugin(figma);
    const jobs = relayJobClient({ relayUrl: relay!.url, accessToken: '' }, QUICK_POLLS);
    const spec = editSpec(figma, relay!.url, 'restart-1');
    if (spec.job.kind !== 'new') throw new Error('spec submits a new job');
    // Submitted, then the panel closed: the job goes on at the relay.
    const { id: jobId } = await jobs.submit(spec.job.request, spec.idempotencyKey);
    const job = (await (await fetch(`${relay!.url}/v1/jobs/${jobId}?wait=10`)).json()) as { status: string };
    expect(job.status).toBe('succeeded');
    await relay!.close();
    relay = undefined;

    const states: VariantState[] = [];
    const resumed = runVariant(jobs, sandboxOn(figma), { ...spec, job: { kind: 'started', id: jobId } }, new AbortController().signal, (state) => states.push(state));
    await expect.poll(() => states.some((state) => state.phase === 'running' && state.retry !== undefined)).toBe(true);
    relay = await restartRelay(port);

    expect(await resumed).toMatchObject({ phase: 'placed' });
    const retry = states.find((state) => state.phase === 'running' && state.retry);
    expect(retry).toMatchObject({ retry: { reason: expect.stringMatching(/Can't reach the relay at/), unreachable: true } });
    expect(figma.page.children).toHaveLength(2);
    expect(provider.calls).toHaveLength(1);
  });

  it('tells the designer clearly when the relay restarted in the middle of their generation', { timeout: 30_000 }, async () => {
    await setUp(3000);
    const port = Number(new URL(relay!.url).port);
    const figma = new FakeFigma();
    startPlugin(figma);
    const jobs = relayJobClient({ relayUrl: relay!.url, accessToken: '' }, QUICK_POLLS);
    const states: VariantState[] = [];
    const run = runVariant(jobs, sandboxOn(figma), editSpec(figma, relay!.url, 'restart-2'), new AbortController().signal, (state) => states.push(state));
    await expect.poll(() => states.some((state) => state.phase === 'running')).toBe(true);
    await relay!.close();
    relay = await restartRelay(port);

    expect(await run).toEqual({ phase: 'failed', message: INTERRUPTED_MESSAGE });
    expect(figma.page.children).toHaveLength(1);
    await expect.poll(() => storedPendingJobs(figma.storage)).toEqual([]);
  });
});
