import { beforeEach, describe, expect, it } from 'vitest';
import { startPlugin } from '../../plugin/controller';
import type { GenerationRecord, PendingJob, PluginMessage } from '../../shared/protocol';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { solidPng } from '../fakes/png';
import { storedPendingJobs } from '../helpers/stored-jobs';

type Of<T extends PluginMessage['type']> = Extract<PluginMessage, { type: T }>;

const generation = (sourceNodeIds: string[]): GenerationRecord => ({ prompt: 'Neon', size: '1024x1024', sourceNodeIds, createdAt: '2026-11-25T10:00:00.000Z' });

const job = (key: string, overrides: Partial<PendingJob> = {}): PendingJob => ({
  idempotencyKey: key, relayUrl: 'http://localhost:8787', accessToken: '', generation: generation([]), placement: { kind: 'beside' },
  referenceNames: [], submittedAt: new Date().toISOString(), ...overrides,
});

/** Two files one designer opens, each with the plugin: clientStorage is the designer's, shared by both. */
describe('jobs belong to the file they were started in', () => {
  let storage: Map<string, unknown>;
  let fileA: FakeFigma;
  let fileB: FakeFigma;

  beforeEach(() => {
    storage = new Map();
    fileA = new FakeFigma(storage);
    fileB = new FakeFigma(storage);
    startPlugin(fileA);
    startPlugin(fileB);
  });

  async function open(file: FakeFigma): Promise<Of<'init'>> {
    file.closePlugin();
    startPlugin(file.openPlugin());
    await file.sendFromUi({ type: 'ready' });
    return file.messagesOfType<Of<'init'>>('init').at(-1)!;
  }

  it('gives each file its own random id, kept in the document', async () => {
    await open(fileA);
    await open(fileB);
    const idA = fileA.root.getPluginData('file-id');
    expect(idA).toMatch(/^file-\w+-\w{10,}$/);
    expect(fileB.root.getPluginData('file-id')).not.toBe(idA);
    await open(fileA);
    expect(fileA.root.getPluginData('file-id')).toBe(idA);
  });

  it('hands each file only its own jobs, and says how many wait in other files', async () => {
    await fileA.sendFromUi({ type: 'record-job', requestId: 'a1', job: job('a-1') });
    await fileA.sendFromUi({ type: 'record-job', requestId: 'a2', job: job('a-2') });
    await fileB.sendFromUi({ type: 'record-job', requestId: 'b1', job: job('b-1') });

    expect(await open(fileB)).toMatchObject({ pendingJobs: [job('b-1', { submittedAt: expect.any(String) })], waitingElsewhere: 2 });
    const initA = await open(fileA);
    expect(initA.pendingJobs.map((pending) => pending.idempotencyKey)).toEqual(['a-1', 'a-2']);
    expect(initA.waitingElsewhere).toBe(1);
  });

  it('never takes a job placed in another file for one placed here, though node ids repeat across files', async () => {
    const sourceA = fileA.addFrame('Card', { x: 0, y: 0, width: 100, height: 100 });
    const sourceB = fileB.addFrame('Poster', { x: 0, y: 0, width: 100, height: 100 });
    expect(sourceB.id).toBe(sourceA.id);
    const place = { type: 'place-result', bytes: solidPng(64, 64), generation: generation([]), placement: { kind: 'beside' }, jobId: 'job-1' };
    await fileA.sendFromUi({ ...place, requestId: 'in-a' });
    const [placedA] = fileA.messagesOfType<Of<'result-placed'>>('result-placed');
    expect(fileB.findNode((node) => node.id === placedA.nodeId)).toBeUndefined();
    fileB.addFrame('Unrelated', { x: 300, y: 0, width: 50, height: 50 });

    await fileB.sendFromUi({ ...place, requestId: 'in-b' });
    const [placedB] = fileB.messagesOfType<Of<'result-placed'>>('result-placed');
    expect(fileB.findNode((node) => node.id === placedB.nodeId)?.name).toBe('Neon');
  });

  it('drops another file’s job once the relay has deleted its result, and keeps this file’s to report on', async () => {
    const dayAndAHalfAgo = new Date(Date.now() - 36 * 3600_000).toISOString();
    await fileA.sendFromUi({ type: 'record-job', requestId: 'old-a', job: job('old-a', { submittedAt: dayAndAHalfAgo }) });
    await fileA.sendFromUi({ type: 'record-job', requestId: 'new-a', job: job('new-a') });

    expect(await open(fileB)).toMatchObject({ pendingJobs: [], waitingElsewhere: 1 });
    expect(storedPendingJobs(storage)!.map((pending) => pending.idempotencyKey)).toEqual(['new-a']);
    expect((await open(fileA)).pendingJobs.map((pending) => pending.idempotencyKey)).toEqual(['new-a']);
  });

  it('keeps a file’s old job for that file, so its designer hears what became of it', async () => {
    const dayAndAHalfAgo = new Date(Date.now() - 36 * 3600_000).toISOString();
    await fileA.sendFromUi({ type: 'record-job', requestId: 'old-a', job: job('old-a', { submittedAt: dayAndAHalfAgo }) });
    expect((await open(fileA)).pendingJobs.map((pending) => pending.idempotencyKey)).toEqual(['old-a']);
  });
});
