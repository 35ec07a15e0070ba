import { afterEach, describe, expect, it } from 'vitest';
import { startPlugin } from '../../plugin/controller';
import { liveUpstream } from '../../relay/upstream';
import { buildEditForm } from '../../shared/edit-form';
import type { GenerationRecord, PluginMessage } from '../../shared/protocol';
import { createLimiter } from '../../shared/concurrency';
import { type JobClient, relayJobClient } from '../../ui/job-client';
import { resumedSpec } from '../../ui/resumed-job';
import { runVariant, type VariantSpec, type VariantState } from '../../ui/variant-run';
import { mappedSize, startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { solidPng } from '../fakes/png';
import { sandboxOn } from '../helpers/fake-sandbox';
import { startRelay, type RunningRelay } from '../helpers/relay-server';
import { storedPendingJobs } from '../helpers/stored-jobs';

const API_KEY = 'sk-variants-test';

describe('variants, text to image and resumed jobs, from the UI flow to the canvas', () => {
  let provider: FakeLlmEasy;
  let relay: RunningRelay;

  async function start(options: Parameters<typeof startFakeLlmEasy>[0] = { apiKey: API_KEY, delayMs: 200 }) {
    provider = await startFakeLlmEasy(options);
    relay = await startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }) });
  }

  afterEach(async () => {
    await relay.close();
    await provider.close();
  });

  function specFor(figma: FakeFigma, batchId: string, index: number, overrides: Partial<VariantSpec> = {}): VariantSpec {
    const source = figma.page.children[0];
    const generation: GenerationRecord = { prompt: 'Neon', size: '1024x1024', sourceNodeIds: source ? [source.id] : [], createdAt: '2026-11-25T10:00:00.000Z' };
    const form = buildEditForm({ prompt: 'Neon', size: '1024x1024', images: [{ filename: 'reference-1.png', bytes: solidPng(32, 32) }] });
    return {
      job: { kind: 'new', request: { kind: 'edit', form } },
      idempotencyKey: `${batchId}-${index}`,
      generation,
      placement: { kind: 'beside' },
      batch: { id: batchId, index },
      referenceNames: ['Card'],
      relay: { relayUrl: relay.url, accessToken: '' },
      startedAt: Date.now(),
      notifyOnPlace: () => undefined,
      ...overrides,
    };
  }

  /** The jobs of a panel that closes once its jobs are submitted: their waits are dropped, not cancelled on the relay. */
  function closingPanel(jobs: JobClient): JobClient {
    return { ...jobs, wait: () => new Promise(() => {}) };
  }

  it('sends one n=1 request per variant with bounded concurrency and lines the results up together', async () => {
    await start();
    const figma = new FakeFigma();
    startPlugin(figma);
    figma.addFrame('Card', { x: 0, y: 0, width: 200, height: 200 });
    const jobs = relayJobClient({ relayUrl: relay.url, accessToken: '' });
    const limit = createLimiter(2);
    const finals = await Promise.all(
      [0, 1, 2].map((index) => limit(() => runVariant(jobs, sandboxOn(figma), specFor(figma, 'b', index), new AbortController().signal, () => {}))),
    );
    await figma.sendFromUi({ type: 'arrange-batch', batchId: 'b' });

    expect(finals.map((f) => f.phase)).toEqual(['placed', 'placed', 'placed']);
    expect(provider.calls.map((c) => c.fields.n)).toEqual([['1'], ['1'], ['1']]);
    // Variants land in whatever order the provider finishes them; the row and the selection follow variant order.
    const results = figma.page.selection;
    const { width } = mappedSize('1024x1024');
    expect(results.map((node) => [node.x, node.y])).toEqual([[240, 0], [240 + width + 40, 0], [240 + 2 * (width + 40), 0]]);
    expect(new Set(results)).toEqual(new Set(figma.page.children.slice(1)));
  });

  it('keeps all four variants of a batch pending while they run, so closing the panel loses none', async () => {
    await start({ apiKey: API_KEY, delayMs: 1500 });
    const before = new FakeFigma();
    startPlugin(before);
    before.addFrame('Card', { x: 0, y: 0, width: 200, height: 200 });
    const jobs = relayJobClient({ relayUrl: relay.url, accessToken: '' });
    const states = new Map<number, VariantState>();
    for (const index of [0, 1, 2, 3]) {
      void runVariant(closingPanel(jobs), sandboxOn(before), specFor(before, 'four', index), new AbortController().signal, (state) => states.set(index, state));
    }
    await expect.poll(() => [...states.values()].filter((state) => state.phase === 'running').length).toBe(4);
    await expect.poll(() => storedPendingJobs(before.storage)?.filter((job) => job.jobId).length, { timeout: 2000 }).toBe(4);

    // The panel closes mid-batch; the plugin opens again in the same file, with what clientStorage kept.
    before.closePlugin();
    const after = before;
    startPlugin(after.openPlugin());
    await after.sendFromUi({ type: 'ready' });
    const [init] = after.messagesOfType<Extract<PluginMessage, { type: 'init' }>>('init');
    const finals = await Promise.all(
      init.pendingJobs.map((job) => runVariant(jobs, sandboxOn(after), resumedSpec(job, sandboxOn(after), () => undefined), new AbortController().signal, () => {})),
    );
    expect(finals.map((final) => final.phase)).toEqual(['placed', 'placed', 'placed', 'placed']);
    expect(after.page.children).toHaveLength(5);
    expect(provider.calls).toHaveLength(4);
    expect(storedPendingJobs(after.storage)).toEqual([]);
  });

  it('keeps the other variants when one fails, and says why the failed one failed', async () => {
    let call = 0;
    await start({
      apiKey: API_KEY,
      respond: (_c, res) => {
        if (++call !== 2) return false;
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Blocked by the safety system.', code: 'moderation_blocked' } }));
        return true;
      },
    });
    const figma = new FakeFigma();
    startPlugin(figma);
    figma.addFrame('Card', { x: 0, y: 0, width: 200, height: 200 });
    const jobs = relayJobClient({ relayUrl: relay.url, accessToken: '' });
    const finals: VariantState[] = [];
    for (const index of [0, 1, 2]) finals.push(await runVariant(jobs, sandboxOn(figma), specFor(figma, 'b', index), new AbortController().signal, () => {}));
    expect(finals.map((f) => f.phase)).toEqual(['placed', 'failed', 'placed']);
    expect(finals[1]).toMatchObject({ message: expect.stringContaining('Blocked by the safety system.') });
    expect(figma.page.children).toHaveLength(3);
    expect(storedPendingJobs(figma.storage)).toEqual([]);
  });

  it('cancels a running variant: the relay stops the provider call and nothing is placed', async () => {
    await start({ apiKey: API_KEY, delayMs: 3000 });
    const figma = new FakeFigma();
    startPlugin(figma);
    figma.addFrame('Card', { x: 0, y: 0, width: 200, height: 200 });
    const controller = new AbortController();
    const states: VariantState[] = [];
    const run = runVariant(relayJobClient({ relayUrl: relay.url, accessToken: '' }), sandboxOn(figma), specFor(figma, 'c', 0), controller.signal, (s) => states.push(s));
    await expect.poll(() => states.some((s) => s.phase === 'running')).toBe(true);
    controller.abort();
    expect((await run).phase).toBe('cancelled');
    expect(figma.page.children).toHaveLength(1);
    await expect.poll(() => provider.abandoned, { timeout: 5000 }).toBe(1);
  });

  it('creates an image from the prompt alone and places it in the middle of the viewport', async () => {
    await start();
    const figma = new FakeFigma();
    startPlugin(figma);
    const final = await runVariant(
      relayJobClient({ relayUrl: relay.url, accessToken: '' }),
      sandboxOn(figma),
      specFor(figma, 't', 0, {
        job: { kind: 'new', request: { kind: 'generate', prompt: 'A lighthouse at dawn', size: '1536x1024' } },
        idempotencyKey: 't-0',
        generation: { prompt: 'A lighthouse at dawn', size: '1536x1024', sourceNodeIds: [], createdAt: '2026-11-25T10:00:00.000Z' },
      }),
      new AbortController().signal,
      () => {},
    );
    expect(final.phase).toBe('placed');
    const node = figma.page.children[0];
    const size = mappedSize('1536x1024');
    expect([node.width, node.height]).toEqual([size.width, size.height]);
    expect([node.x + node.width / 2, node.y + node.height / 2]).toEqual([500, 400]);
  });

  it('places a job submitted before the plugin closed when it opens again, exactly once', async () => {
    await start({ apiKey: API_KEY, delayMs: 500 });
    const before = new FakeFigma();
    startPlugin(before.openPlugin());
    before.addFrame('Card', { x: 0, y: 0, width: 200, height: 200 });
    const jobs = relayJobClient({ relayUrl: relay.url, accessToken: '' });
    const states: VariantState[] = [];
    void runVariant(closingPanel(jobs), sandboxOn(before), specFor(before, 'r', 0), new AbortController().signal, (s) => states.push(s));
    await expect.poll(() => storedPendingJobs(before.storage)?.[0]?.jobId).toBeDefined();
    const [pending] = storedPendingJobs(before.storage)!;

    // Opening the plugin again in the same file: its code starts afresh on the same document.
    before.closePlugin();
    const after = before;
    startPlugin(after.openPlugin());
    await after.sendFromUi({ type: 'ready' });
    const [init] = after.messagesOfType<Extract<PluginMessage, { type: 'init' }>>('init');
    expect(init.pendingJobs.map((j) => j.jobId)).toEqual([pending.jobId]);

    const resumed = resumedSpec(init.pendingJobs[0], sandboxOn(after), () => undefined);
    const first = await runVariant(jobs, sandboxOn(after), resumed, new AbortController().signal, () => {});
    const second = await runVariant(jobs, sandboxOn(after), resumed, new AbortController().signal, () => {});
    expect(first.phase).toBe('placed');
    expect(second).toEqual(first);
    expect(after.page.children).toHaveLength(2);
    expect(storedPendingJobs(after.storage)).toEqual([]);
    expect(provider.calls).toHaveLength(1);
  });
});

describe('a result Figma cannot place', () => {
  it('is handed back by the sandbox, so the designer can place it again or download it', async () => {
    const figma = new FakeFigma();
    startPlugin(figma);
    const cut = solidPng(64, 64).slice(0, 60);
    const jobs: JobClient = {
      submit: async () => ({ id: 'job-cut' }),
      find: async () => undefined,
      wait: async () => ({ bytes: cut.slice(), width: 64, height: 64 }),
      cancel: async () => {},
    };
    const generation: GenerationRecord = { prompt: 'Neon', size: '1024x1024', sourceNodeIds: [], createdAt: '2026-11-25T10:00:00.000Z' };
    const spec: VariantSpec = {
      job: { kind: 'new', request: { kind: 'generate', prompt: 'Neon', size: '1024x1024' } },
      idempotencyKey: 'cut-0',
      generation,
      placement: { kind: 'beside' },
      referenceNames: [],
      relay: { relayUrl: 'http://relay.test', accessToken: '' },
      startedAt: Date.now(),
      notifyOnPlace: () => undefined,
    };

    const final = await runVariant(jobs, sandboxOn(figma), spec, new AbortController().signal, () => {});

    expect(final).toMatchObject({ phase: 'failed', message: expect.stringContaining('Download it from the panel') });
    expect(final.phase === 'failed' && final.unplaced).toEqual({ bytes: cut, jobId: 'job-cut' });
    expect(figma.page.children).toHaveLength(0);
  });
});
