import { beforeEach, describe, expect, it } from 'vitest';
import { startPlugin } from '../../plugin/controller';
import { GENERATION_DATA_KEY } from '../../plugin/generation-record';
import type { GenerationRecord, PendingJob, PluginMessage } from '../../shared/protocol';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { solidPng } from '../fakes/png';
import { storedPendingJobs } from '../helpers/stored-jobs';

type Of<T extends PluginMessage['type']> = Extract<PluginMessage, { type: T }>;

const generation = (sourceNodeIds: string[], prompt = 'Neon sign'): GenerationRecord => ({
  prompt,
  size: '1024x1024',
  sourceNodeIds,
  createdAt: '2026-11-25T10:00:00.000Z',
});

describe('designer workflow in the sandbox', () => {
  let figma: FakeFigma;

  beforeEach(() => {
    figma = new FakeFigma();
    startPlugin(figma);
  });

  it('lines variants up in variant order in one evenly spaced row and selects them together', async () => {
    const source = figma.addFrame('Source', { x: 0, y: 0, width: 300, height: 300 });
    // Variants arrive out of order and with different sizes.
    for (const [index, width] of [[2, 300], [0, 200], [1, 250]] as const) {
      await figma.sendFromUi({
        type: 'place-result', requestId: `v${index}`, bytes: solidPng(width, 100), generation: generation([source.id]),
        placement: { kind: 'beside' }, batch: { id: 'b1', index },
      });
    }
    await figma.sendFromUi({ type: 'arrange-batch', batchId: 'b1' });
    const results = figma.page.children.slice(1).sort((a, b) => a.x - b.x);
    expect(results.map((node) => [node.width, node.x, node.y])).toEqual([
      [200, 340, 0],
      [250, 340 + 200 + 40, 0],
      [300, 340 + 200 + 40 + 250 + 40, 0],
    ]);
    expect(figma.page.selection.map((node) => node.width)).toEqual([200, 250, 300]);
  });

  it('replaces the selected layer in place: image on top, old fills kept hidden underneath', async () => {
    const photo = figma.addFrame('Photo', { x: 0, y: 0, width: 400, height: 300 });
    photo.fills = [{ type: 'SOLID', color: { r: 0, g: 0, b: 1 } }];
    await figma.sendFromUi({
      type: 'place-result', requestId: 'r', bytes: solidPng(1024, 1024), generation: generation([photo.id]),
      placement: { kind: 'replace', nodeId: photo.id },
    });
    expect(figma.page.children).toHaveLength(1);
    expect(photo.fills).toEqual([
      { type: 'SOLID', color: { r: 0, g: 0, b: 1 }, visible: false },
      { type: 'IMAGE', imageHash: 'hash-1', scaleMode: 'FIT' },
    ]);
    expect([photo.width, photo.height]).toEqual([400, 300]);
    expect(JSON.parse(photo.getPluginData(GENERATION_DATA_KEY)).prompt).toBe('Neon sign');
  });

  it('places beside instead when the layer to replace was deleted, so the image is not lost', async () => {
    const source = figma.addFrame('Source', { x: 0, y: 0, width: 100, height: 100 });
    await figma.sendFromUi({
      type: 'place-result', requestId: 'r', bytes: solidPng(64, 64), generation: generation([source.id]),
      placement: { kind: 'replace', nodeId: '9:404' },
    });
    expect(figma.page.children.at(-1)!.width).toBe(64);
  });

  it('gives generated nodes "Edit again" and "More variants" relaunch buttons', async () => {
    await figma.sendFromUi({ type: 'place-result', requestId: 'r', bytes: solidPng(64, 64), generation: generation([]), placement: { kind: 'beside' } });
    expect(Object.keys(figma.page.children[0].relaunchData)).toEqual(['edit-again', 'more-variants']);
  });

  it('places text-to-image results centred in the viewport', async () => {
    await figma.sendFromUi({ type: 'place-result', requestId: 't', bytes: solidPng(200, 100), generation: generation([]), placement: { kind: 'beside' } });
    const node = figma.page.children[0];
    expect([node.x, node.y]).toEqual([400, 350]);
  });

  const pendingJob = (overrides: Partial<PendingJob> = {}): PendingJob => ({
    idempotencyKey: 'batch-0-0', relayUrl: 'http://localhost:8787', accessToken: 'rmg_ana', generation: generation([]),
    placement: { kind: 'beside' }, referenceNames: [], submittedAt: '2026-11-25T10:00:00.000Z', ...overrides,
  });

  it('records a job before it is sent, answering once it is stored, and adds the relay’s id when the relay answers', async () => {
    const job = pendingJob();
    await figma.sendFromUi({ type: 'record-job', requestId: 'rec-1', job });
    expect(figma.messagesOfType<Of<'job-recorded'>>('job-recorded')).toEqual([{ type: 'job-recorded', requestId: 'rec-1' }]);
    const fileId = figma.root.getPluginData('file-id');
    expect(storedPendingJobs(figma.storage)).toEqual([{ ...job, fileId }]);
    await figma.sendFromUi({ type: 'job-started', idempotencyKey: 'batch-0-0', jobId: 'job-1' });
    expect(storedPendingJobs(figma.storage)).toEqual([{ ...job, fileId, jobId: 'job-1' }]);
  });

  it('keeps every job of a batch recorded at the same moment', async () => {
    await Promise.all(
      [0, 1, 2, 3].map((index) => figma.sendFromUi({ type: 'record-job', requestId: `rec-${index}`, job: pendingJob({ idempotencyKey: `batch-${index}-0` }) })),
    );
    expect(storedPendingJobs(figma.storage)!.map((job) => job.idempotencyKey).sort()).toEqual(['batch-0-0', 'batch-1-0', 'batch-2-0', 'batch-3-0']);
  });

  it('says so when clientStorage cannot take the record, so the job is not sent', async () => {
    figma.storage.set('history', 'x'.repeat(5 * 1024 * 1024 - 200));
    await figma.sendFromUi({ type: 'record-job', requestId: 'full', job: pendingJob() });
    const [reply] = figma.messagesOfType<Of<'job-recorded'>>('job-recorded');
    expect(reply.problem).toMatch(/^Figma couldn't store a record of this image \(.*5 MB.*\), so it was not sent\. Try again\.$/);
  });

  it('keeps a job until its image is placed, and places a job delivered twice only once', async () => {
    const source = figma.addFrame('Source', { x: 0, y: 0, width: 100, height: 100 });
    const job = pendingJob({ generation: generation([source.id]), referenceNames: ['Source'] });
    await figma.sendFromUi({ type: 'record-job', requestId: 'rec', job });
    await figma.sendFromUi({ type: 'job-started', idempotencyKey: job.idempotencyKey, jobId: 'job-1' });

    const place = { type: 'place-result', bytes: solidPng(64, 64), generation: job.generation, placement: job.placement, jobId: 'job-1' };
    await figma.sendFromUi({ ...place, requestId: 'first' });
    await figma.sendFromUi({ ...place, requestId: 'again' });
    expect(figma.page.children).toHaveLength(2);
    const placed = figma.messagesOfType<Of<'result-placed'>>('result-placed');
    expect(placed[0].nodeId).toBe(placed[1].nodeId);
    expect(storedPendingJobs(figma.storage)).toEqual([]);
  });

  it('stops resuming a job an earlier version placed but kept to resume (it closed between its two writes)', async () => {
    const job = pendingJob({ jobId: 'job-7' });
    await figma.sendFromUi({ type: 'record-job', requestId: 'rec', job });
    const place = { type: 'place-result', bytes: solidPng(64, 64), generation: job.generation, placement: job.placement, jobId: 'job-7' };
    await figma.sendFromUi({ ...place, requestId: 'first' });
    const fileId = figma.root.getPluginData('file-id');
    const nodeId = figma.messagesOfType<Of<'result-placed'>>('result-placed')[0].nodeId;
    // What an earlier version left: the placement remembered under one key, the job still under the other.
    figma.storage.delete('jobs');
    figma.storage.set('placed-jobs', [[fileId, 'job-7', nodeId]]);
    figma.storage.set('pending-jobs', [{ ...job, fileId }]);
    figma.closePlugin();
    startPlugin(figma.openPlugin());
    await figma.sendFromUi({ type: 'ready' });
    expect(figma.messagesOfType<Of<'init'>>('init').at(-1)!.pendingJobs.map((pending) => pending.jobId)).toEqual(['job-7']);
    expect([...figma.storage.keys()].filter((key) => key.endsWith('-jobs'))).toEqual([]);

    await figma.sendFromUi({ ...place, requestId: 'resumed' });
    expect(figma.page.children).toHaveLength(1);
    expect(figma.messagesOfType<Of<'result-placed'>>('result-placed').at(-1)!.nodeId).toBe(nodeId);
    expect(storedPendingJobs(figma.storage)).toEqual([]);
  });

  it('places a result of a job with three clientStorage calls: the designer waits for them before the panel says Placed', async () => {
    const job = pendingJob({ jobId: 'job-8' });
    await figma.sendFromUi({ type: 'record-job', requestId: 'rec', job });
    const calls: string[] = [];
    const { getAsync, setAsync } = figma.clientStorage;
    figma.clientStorage.getAsync = (key) => (calls.push(`get ${key}`), getAsync(key));
    figma.clientStorage.setAsync = (key, value) => (calls.push(`set ${key}`), setAsync(key, value));
    await figma.sendFromUi({ type: 'place-result', requestId: 'p', bytes: solidPng(64, 64), generation: job.generation, placement: job.placement, jobId: 'job-8' });
    // Was the job placed already (a result delivered twice), then placed and no longer resumed in one write.
    expect(calls).toEqual(['get jobs', 'get jobs', 'set jobs']);
    expect(storedPendingJobs(figma.storage)).toEqual([]);
  });

  it('hands pending jobs to the UI when the plugin opens again, with the relay and token each was sent with', async () => {
    const started = pendingJob({ relayUrl: 'https://old-relay.example', accessToken: 'rmg_old' });
    const unconfirmed = pendingJob({ idempotencyKey: 'batch-1-0' });
    await figma.sendFromUi({ type: 'record-job', requestId: 'a', job: started });
    await figma.sendFromUi({ type: 'job-started', idempotencyKey: started.idempotencyKey, jobId: 'job-9' });
    await figma.sendFromUi({ type: 'record-job', requestId: 'b', job: unconfirmed });
    figma.closePlugin();
    startPlugin(figma.openPlugin());
    await figma.sendFromUi({ type: 'ready' });
    expect(figma.messagesOfType<Of<'init'>>('init')[0]).toMatchObject({ pendingJobs: [{ ...started, jobId: 'job-9' }, unconfirmed], waitingElsewhere: 0 });
  });

  it('keeps a job stored by an earlier version, with the token in Settings only while Settings point at its relay', async () => {
    const legacy = (jobId: string, relayUrl: string) => ({
      jobId, relayUrl, generation: generation([]), placement: { kind: 'replace', nodeId: '1:1' }, referenceNames: [], submittedAt: new Date().toISOString(),
    });
    figma.storage.set('settings', { relayUrl: 'https://relay.team.example/', accessToken: 'rmg_team' });
    figma.storage.set('pending-jobs', [legacy('job-a', 'https://RELAY.team.example'), legacy('job-b', 'http://localhost:8787')]);
    await figma.sendFromUi({ type: 'ready' });
    const [init] = figma.messagesOfType<Of<'init'>>('init');
    expect(init.pendingJobs.map((job) => [job.jobId, job.idempotencyKey, job.accessToken])).toEqual([['job-a', 'job-a', 'rmg_team'], ['job-b', 'job-b', '']]);
    // It predates file ids: the first file opened takes it, and places it beside, since layer 1:1 may be another file's.
    expect(init.pendingJobs.map((job) => job.placement)).toEqual([{ kind: 'beside' }, { kind: 'beside' }]);
    const other = new FakeFigma(figma.storage);
    startPlugin(other);
    await other.sendFromUi({ type: 'ready' });
    expect(other.messagesOfType<Of<'init'>>('init')[0]).toMatchObject({ pendingJobs: [], waitingElsewhere: 2 });
  });

  it('exports the layers of a resumed job by their ids, and says so when one is gone', async () => {
    const card = figma.addFrame('Card', { x: 0, y: 0, width: 300, height: 200 });
    const logo = figma.addFrame('Logo', { x: 400, y: 0, width: 100, height: 100 });
    await figma.sendFromUi({ type: 'export-references', requestId: 'again', nodeIds: [logo.id, card.id] });
    expect(figma.messagesOfType<Of<'reference'>>('reference').map((r) => [r.requestId, r.index, r.name])).toEqual([['again', 0, 'Logo'], ['again', 1, 'Card']]);
    logo.remove();
    await figma.sendFromUi({ type: 'export-references', requestId: 'gone', nodeIds: [logo.id, card.id] });
    expect(figma.messagesOfType<Of<'references-failed'>>('references-failed')).toEqual([
      { type: 'references-failed', requestId: 'gone', message: 'Some of the layers it was made from are no longer in this file.' },
    ]);
  });

  it('records each placed generation in history with a small thumbnail, newest first', async () => {
    for (const prompt of ['First', 'Second']) {
      await figma.sendFromUi({
        type: 'place-result', requestId: prompt, bytes: solidPng(512, 256), generation: generation([], prompt), placement: { kind: 'beside' },
        history: { prompt, size: '1024x1024', referenceNames: ['Card'], durationMs: 61_000, jobId: `job-${prompt}` },
      });
    }
    const [latest] = figma.messagesOfType<Of<'history'>>('history').slice(-1);
    expect(latest.entries.map((e) => [e.prompt, e.jobId, e.durationMs])).toEqual([['Second', 'job-Second', 61_000], ['First', 'job-First', 61_000]]);
    expect(latest.entries[0].thumbnail!.byteLength).toBeGreaterThan(0);
    expect(figma.storage.get('history')).toHaveLength(2);
  });

  it('saves the user’s own prompts without repeats and deletes them', async () => {
    await figma.sendFromUi({ type: 'save-prompt', prompt: 'Make it clay' });
    await figma.sendFromUi({ type: 'save-prompt', prompt: 'Pixel art' });
    await figma.sendFromUi({ type: 'save-prompt', prompt: 'Make it clay' });
    let [saved] = figma.messagesOfType<Of<'saved-prompts'>>('saved-prompts').slice(-1);
    expect(saved.prompts.map((p) => p.prompt)).toEqual(['Make it clay', 'Pixel art']);
    await figma.sendFromUi({ type: 'delete-prompt', id: saved.prompts[0].id });
    [saved] = figma.messagesOfType<Of<'saved-prompts'>>('saved-prompts').slice(-1);
    expect(saved.prompts.map((p) => p.prompt)).toEqual(['Pixel art']);
  });

  it('notifies when asked, e.g. when a result lands while the panel is small', async () => {
    await figma.sendFromUi({ type: 'place-result', requestId: 'n', bytes: solidPng(8, 8), generation: generation([]), placement: { kind: 'beside' }, notify: 'Reimage: image placed' });
    expect(figma.notifications).toEqual([{ message: 'Reimage: image placed', error: false }]);
  });

  it('resizes the panel to its content within sensible bounds', async () => {
    await figma.sendFromUi({ type: 'resize', height: 512.4 });
    expect(figma.panelSize).toEqual({ width: 360, height: 512 });
    await figma.sendFromUi({ type: 'resize', height: 5000 });
    expect(figma.panelSize.height).toBe(640);
  });
});

describe('relaunch buttons', () => {
  it('"More variants" reselects the layers the node was made from and opens with its prompt, size and 4 variants', async () => {
    const figma = new FakeFigma();
    const a = figma.addFrame('A', { x: 0, y: 0, width: 100, height: 100 });
    const b = figma.addFrame('B', { x: 200, y: 0, width: 100, height: 100 });
    const generated = figma.addFrame('Result', { x: 400, y: 0, width: 100, height: 100 });
    generated.setPluginData(GENERATION_DATA_KEY, JSON.stringify(generation([a.id, b.id], 'Retro poster')));
    figma.page.selection = [generated];
    startPlugin(figma, { command: 'more-variants' });
    await figma.sendFromUi({ type: 'ready' });
    expect(figma.messagesOfType<Of<'init'>>('init')[0].launch).toEqual({ command: 'more-variants', prompt: 'Retro poster', size: '1024x1024', variants: 4 });
    expect(figma.page.selection).toEqual([a, b]);
  });
});
