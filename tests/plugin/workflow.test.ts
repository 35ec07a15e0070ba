import { beforeEach, describe, expect, it } from 'vitest';
import { startPlugin } from '../../plugin/controller';
import { GENERATION_DATA_KEY } from '../../plugin/generation-record';
import type { GenerationRecord, PendingJob, PluginMessage } from '../../shared/protocol';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { solidPng } from '../fakes/png';

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

  it('keeps a submitted job until its image is placed, and places a job delivered twice only once', async () => {
    const source = figma.addFrame('Source', { x: 0, y: 0, width: 100, height: 100 });
    const job: PendingJob = {
      jobId: 'job-1', relayUrl: 'http://localhost:8787', generation: generation([source.id]), placement: { kind: 'beside' },
      referenceNames: ['Source'], submittedAt: '2026-11-25T10:00:00.000Z',
    };
    await figma.sendFromUi({ type: 'job-submitted', job });
    expect(figma.storage.get('pending-jobs')).toEqual([job]);

    const place = { type: 'place-result', bytes: solidPng(64, 64), generation: job.generation, placement: job.placement, jobId: 'job-1' };
    await figma.sendFromUi({ ...place, requestId: 'first' });
    await figma.sendFromUi({ ...place, requestId: 'again' });
    expect(figma.page.children).toHaveLength(2);
    const placed = figma.messagesOfType<Of<'result-placed'>>('result-placed');
    expect(placed[0].nodeId).toBe(placed[1].nodeId);
    expect(figma.storage.get('pending-jobs')).toEqual([]);
  });

  it('stops resuming a job whose image turns out to be placed already', async () => {
    const job: PendingJob = {
      jobId: 'job-7', relayUrl: 'http://localhost:8787', generation: generation([]), placement: { kind: 'beside' },
      referenceNames: [], submittedAt: '2026-11-25T10:00:00.000Z',
    };
    await figma.sendFromUi({ type: 'job-submitted', job });
    const place = { type: 'place-result', bytes: solidPng(64, 64), generation: job.generation, placement: job.placement, jobId: 'job-7' };
    await figma.sendFromUi({ ...place, requestId: 'first' });
    // The plugin closed after remembering the placement but before the pending entry went.
    await figma.sendFromUi({ type: 'job-submitted', job });

    await figma.sendFromUi({ ...place, requestId: 'resumed' });
    expect(figma.page.children).toHaveLength(1);
    expect(figma.storage.get('pending-jobs')).toEqual([]);
  });

  it('hands pending jobs to the UI when the plugin opens again', async () => {
    const job: PendingJob = {
      jobId: 'job-9', relayUrl: 'http://localhost:8787', generation: generation([]), placement: { kind: 'beside' },
      referenceNames: [], submittedAt: '2026-11-25T10:00:00.000Z',
    };
    figma.storage.set('pending-jobs', [job]);
    await figma.sendFromUi({ type: 'ready' });
    expect(figma.messagesOfType<Of<'init'>>('init')[0].pendingJobs).toEqual([job]);
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
    expect(figma.panelSize.height).toBe(900);
  });
});

describe('relaunch buttons', () => {
  it('"More variants" reselects the layers the node was made from and opens with its prompt', async () => {
    const figma = new FakeFigma();
    const a = figma.addFrame('A', { x: 0, y: 0, width: 100, height: 100 });
    const b = figma.addFrame('B', { x: 200, y: 0, width: 100, height: 100 });
    const generated = figma.addFrame('Result', { x: 400, y: 0, width: 100, height: 100 });
    generated.setPluginData(GENERATION_DATA_KEY, JSON.stringify(generation([a.id, b.id], 'Retro poster')));
    figma.page.selection = [generated];
    startPlugin(figma, { command: 'more-variants' });
    await figma.sendFromUi({ type: 'ready' });
    expect(figma.messagesOfType<Of<'init'>>('init')[0].launch).toEqual({ command: 'more-variants', prompt: 'Retro poster', size: '1024x1024' });
    expect(figma.page.selection).toEqual([a, b]);
  });
});
