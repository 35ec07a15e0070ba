import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlugin } from '../../plugin/controller';
import { liveUpstream } from '../../relay/upstream';
import { type JobClient, jobRequestFor, relayJobClient } from '../../ui/job-client';
import { runVariant } from '../../ui/variant-run';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { solidPng } from '../fakes/png';
import { reopenAndResume, sandboxOn } from '../helpers/fake-sandbox';
import { startRelay, type RunningRelay } from '../helpers/relay-server';
import { storedPendingJobs } from '../helpers/stored-jobs';

const API_KEY = 'sk-files-test';
const BLUE: SolidPaint = { type: 'SOLID', color: { r: 0, g: 0, b: 1 } };
const RED: SolidPaint = { type: 'SOLID', color: { r: 1, g: 0, b: 0 } };

/** Two files of one designer, sharing their clientStorage; node ids repeat from file to file. */
describe('a job started in one file, with another file opened meanwhile', () => {
  let provider: FakeLlmEasy;
  let relay: RunningRelay;

  beforeAll(async () => {
    provider = await startFakeLlmEasy({ apiKey: API_KEY, delayMs: 300 });
    relay = await startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }) });
  });

  afterAll(async () => {
    await relay.close();
    await provider.close();
  });

  it('replaces the layer of its own file when that file opens again, never the layer with the same id in another file', async () => {
    const storage = new Map<string, unknown>();
    const fileA = new FakeFigma(storage);
    startPlugin(fileA);
    const photo = fileA.addFrame('Photo', { x: 0, y: 0, width: 400, height: 300 });
    photo.fills = [BLUE];
    const generation = { prompt: 'Neon', size: '1024x1024' as const, sourceNodeIds: [photo.id], createdAt: '2026-11-26T10:00:00.000Z' };
    const jobs = relayJobClient({ relayUrl: relay.url, accessToken: '' });
    // The panel closes once the job is submitted: its wait is dropped, the job goes on at the relay.
    const closing: JobClient = { ...jobs, wait: () => new Promise(() => {}) };
    void runVariant(closing, sandboxOn(fileA), {
      job: { kind: 'new', request: jobRequestFor(generation, [{ bytes: solidPng(32, 32) }]) },
      idempotencyKey: 'replace-in-a',
      generation,
      placement: { kind: 'replace', nodeId: photo.id },
      referenceNames: ['Photo'],
      relay: { relayUrl: relay.url, accessToken: '' },
      startedAt: Date.now(),
      notifyOnPlace: () => undefined,
    }, new AbortController().signal, () => {});
    await expect.poll(() => storedPendingJobs(storage)?.[0]?.jobId).toBeDefined();

    const fileB = new FakeFigma(storage);
    const poster = fileB.addFrame('Poster', { x: 0, y: 0, width: 400, height: 300 });
    poster.fills = [RED];
    expect(poster.id).toBe(photo.id);
    const inB = await reopenAndResume(fileB);
    expect(inB.init).toMatchObject({ pendingJobs: [], waitingElsewhere: 1 });
    expect(inB.finals).toEqual([]);
    expect(poster.fills).toEqual([RED]);
    expect(fileB.page.children).toHaveLength(1);

    const inA = await reopenAndResume(fileA);
    expect(inA.init.waitingElsewhere).toBe(0);
    expect(inA.finals.map((final) => final.phase)).toEqual(['placed']);
    expect(photo.fills.map((paint) => paint.type)).toEqual(['SOLID', 'IMAGE']);
    expect(storedPendingJobs(storage)).toEqual([]);
    expect(provider.calls).toHaveLength(1);
  });
});
