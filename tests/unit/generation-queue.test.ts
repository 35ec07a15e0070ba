import { describe, expect, it } from 'vitest';
import type { GenerationRecord, PendingJob } from '../../shared/protocol';
import { batchRows, createGenerationQueue, EMPTY_QUEUE, foldRuns, isRunning, queueReducer, type QueueRow, RESUMED_RUN, resumedRow } from '../../ui/generation-queue';
import { clockTime } from '../../ui/expected-time';
import type { JobClient, JobResult } from '../../ui/job-client';
import type { RelayConnection } from '../../ui/relay-client';
import { PlacementError, type Sandbox, type VariantSpec, type VariantState } from '../../ui/variant-run';

const generation: GenerationRecord = { prompt: 'Neon', size: '1024x1024', sourceNodeIds: [], createdAt: '2026-12-01T10:00:00.000Z' };
const OLD_RELAY: RelayConnection = { relayUrl: 'http://wrong.example:1', accessToken: 'rmg_old' };
const NEW_RELAY: RelayConnection = { relayUrl: 'http://localhost:8787', accessToken: 'rmg_new' };

function specFor(batchId: string, index: number, idempotencyKey: string, relay = OLD_RELAY): VariantSpec {
  return {
    job: { kind: 'new', request: { kind: 'generate', prompt: 'Neon', size: '1024x1024' } },
    idempotencyKey,
    generation,
    placement: { kind: 'beside' },
    batch: { id: batchId, index },
    referenceNames: [],
    relay,
    startedAt: 1000,
    notifyOnPlace: () => undefined,
  };
}

function rowsOf(batchId: string, count: number): QueueRow[] {
  return batchRows({ batchId, count, label: (i) => `Variant ${i + 1}`, spec: (i, key) => specFor(batchId, i, key), expectedSeconds: 90, now: 1000 });
}

const withState = (row: QueueRow, state: VariantState): QueueRow => ({ ...row, state });

describe('the generation queue as a reducer', () => {
  it('makes one row per variant, each with its own Idempotency-Key', () => {
    const rows = rowsOf('b1', 3);
    expect(rows.map((row) => [row.key, row.label, row.spec.idempotencyKey, row.state.phase])).toEqual([
      ['b1:0', 'Variant 1', 'b1-0-0', 'queued'],
      ['b1:1', 'Variant 2', 'b1-1-0', 'queued'],
      ['b1:2', 'Variant 3', 'b1-2-0', 'queued'],
    ]);
  });

  it('a new batch drops the rows that ended well and keeps failed and running ones', () => {
    const [placed, failed, running, cancelled] = rowsOf('b1', 4);
    const before = {
      rows: [
        withState(placed, { phase: 'placed', nodeId: '1:2', width: 1024, height: 1024 }),
        withState(failed, { phase: 'failed', message: 'The relay refused it.' }),
        withState(running, { phase: 'running', jobId: 'j3' }),
        withState(cancelled, { phase: 'cancelled' }),
      ],
    };
    const after = queueReducer(before, { type: 'added', rows: rowsOf('b2', 1) });
    expect(after.rows.map((row) => row.key)).toEqual(['b1:1', 'b1:2', 'b2:0']);
  });

  it('a retry is a new job with a new key, for the relay given (Settings now), and only of a settled, retryable row', () => {
    const [row] = rowsOf('b1', 1);
    const failed = { rows: [withState(row, { phase: 'failed', message: "Can't reach the relay at http://wrong.example:1." })] };
    const retried = queueReducer(failed, { type: 'retried', key: 'b1:0', relay: NEW_RELAY }).rows[0];
    expect(retried.attempt).toBe(1);
    expect(retried.state).toEqual({ phase: 'queued' });
    expect(retried.spec.idempotencyKey).toBe('b1-0-1');
    expect(retried.spec.relay).toEqual(NEW_RELAY);

    const runningRow = { rows: [withState(row, { phase: 'running', jobId: 'j1' })] };
    expect(queueReducer(runningRow, { type: 'retried', key: 'b1:0', relay: NEW_RELAY })).toEqual(runningRow);
    const resumed = resumedRow('r1', specFor('r1', 0, 'k'), 90);
    const resumedFailed = { rows: [withState(resumed, { phase: 'failed', message: 'gone' })] };
    expect(queueReducer(resumedFailed, { type: 'retried', key: 'r1:0', relay: NEW_RELAY })).toEqual(resumedFailed);
  });

  it('labels rows with their prompt and when they were asked for, and folds earlier runs away', () => {
    const resumed = resumedRow('r1', { ...specFor('r1', 0, 'k'), startedAt: 500 }, 90);
    expect([resumed.label, resumed.prompt, resumed.requestedAt, resumed.runId]).toEqual(['Resumed', 'Neon', 500, RESUMED_RUN]);
    const [first] = rowsOf('b1', 1);
    expect([first.prompt, first.requestedAt, first.runId]).toEqual(['Neon', 1000, 'b1']);
    const state = { rows: [resumed, first, ...rowsOf('b2', 2)] };
    const { current, earlier } = foldRuns(state);
    expect(current.map((row) => row.key)).toEqual(['b2:0', 'b2:1']);
    expect(earlier.map((row) => row.key)).toEqual(['r1:0', 'b1:0']);
    expect(foldRuns(EMPTY_QUEUE)).toEqual({ current: [], earlier: [] });
    expect(clockTime(new Date(2026, 11, 1, 9, 5).getTime())).toBe('09:05');
  });

  it('dismisses only settled rows', () => {
    const [a, b] = rowsOf('b1', 2);
    const state = { rows: [withState(a, { phase: 'cancelled' }), withState(b, { phase: 'running', jobId: 'j' })] };
    expect(queueReducer(state, { type: 'dismissed', key: 'b1:0' }).rows.map((row) => row.key)).toEqual(['b1:1']);
    expect(queueReducer(state, { type: 'dismissed', key: 'b1:1' })).toEqual(state);
    expect(isRunning(state)).toBe(true);
    expect(isRunning(EMPTY_QUEUE)).toBe(false);
  });
});

/** A relay that answers each job when the test says so, and notes which relay and key each call used. */
function heldJobs() {
  const calls: { relay: RelayConnection; key: string }[] = [];
  const waiting = new Map<string, { resolve: (result: JobResult) => void; reject: (error: Error) => void }>();
  let running = 0;
  let most = 0;
  const jobsFor = (relay: RelayConnection): JobClient => ({
    async submit(_request, key) {
      calls.push({ relay, key });
      if (relay.relayUrl === OLD_RELAY.relayUrl) throw new Error(`Can't reach the relay at ${relay.relayUrl}.`);
      return { id: `job-${key}` };
    },
    find: async () => undefined,
    wait(id, { signal }) {
      running += 1;
      most = Math.max(most, running);
      return new Promise((resolve, reject) => {
        const done = () => (running -= 1);
        waiting.set(id, { resolve: (r) => (done(), resolve(r)), reject: (e) => (done(), reject(e)) });
        signal?.addEventListener('abort', () => (done(), reject(new DOMException('aborted', 'AbortError'))));
      });
    },
    cancel: async () => undefined,
  });
  return { calls, waiting, jobsFor, most: () => most };
}

function fakeSandbox(): Sandbox & { recorded: PendingJob[]; settled: string[] } {
  const recorded: PendingJob[] = [];
  const settled: string[] = [];
  return {
    recorded,
    settled,
    place: async () => ({ nodeId: '9:9', width: 1024, height: 1024 }),
    recordJob: async (job) => void recorded.push(job),
    jobStarted: () => undefined,
    jobSettled: (key) => void settled.push(key),
    exportLayers: async () => [],
    exportRegion: async () => {
      throw new Error('These tests make no region edits');
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const image: JobResult = { bytes: new Uint8Array([1]), width: 1024, height: 1024 };

describe('the generation queue as a store', () => {
  it('runs at most `parallel` jobs at once and says once when the whole batch settled', async () => {
    const jobs = heldJobs();
    const settledBatches: [string, VariantState][] = [];
    const queue = createGenerationQueue({ sandbox: fakeSandbox(), jobsFor: jobs.jobsFor, parallel: 2, onBatchSettled: (id, final) => settledBatches.push([id, final]) });
    queue.add(batchRows({ batchId: 'b', count: 3, label: String, spec: (i, key) => specFor('b', i, key, NEW_RELAY), expectedSeconds: 90, now: 0 }));
    await tick();
    expect(queue.getState().rows.map((row) => row.state.phase)).toEqual(['running', 'running', 'queued']);
    jobs.waiting.get('job-b-0-0')!.resolve(image);
    await tick();
    expect(queue.getState().rows.map((row) => row.state.phase)).toEqual(['placed', 'running', 'running']);
    jobs.waiting.get('job-b-1-0')!.resolve(image);
    jobs.waiting.get('job-b-2-0')!.resolve(image);
    await tick();
    expect(jobs.most()).toBe(2);
    expect(settledBatches).toEqual([['b', { phase: 'placed', nodeId: '9:9', width: 1024, height: 1024 }]]);
    expect(isRunning(queue.getState())).toBe(false);
  });

  it('retries at the relay it is given, with that relay’s token, recording the new job before its upload', async () => {
    const jobs = heldJobs();
    const sandbox = fakeSandbox();
    const queue = createGenerationQueue({ sandbox, jobsFor: jobs.jobsFor, parallel: 4, onBatchSettled: () => undefined });
    queue.add(rowsOf('b', 1));
    await tick();
    expect(queue.getState().rows[0].state).toMatchObject({ phase: 'failed', message: expect.stringContaining('wrong.example') });

    queue.retry('b:0', NEW_RELAY);
    await tick();
    expect(jobs.calls).toEqual([
      { relay: OLD_RELAY, key: 'b-0-0' },
      { relay: NEW_RELAY, key: 'b-0-1' },
    ]);
    expect(sandbox.recorded.map((job) => [job.relayUrl, job.accessToken, job.idempotencyKey])).toEqual([
      [OLD_RELAY.relayUrl, OLD_RELAY.accessToken, 'b-0-0'],
      [NEW_RELAY.relayUrl, NEW_RELAY.accessToken, 'b-0-1'],
    ]);
    expect(queue.getState().rows[0].state).toEqual({ phase: 'running', jobId: 'job-b-0-1' });
  });

  it('cancels a queued row before it starts and a running one through its relay job', async () => {
    const jobs = heldJobs();
    const queue = createGenerationQueue({ sandbox: fakeSandbox(), jobsFor: jobs.jobsFor, parallel: 1, onBatchSettled: () => undefined });
    queue.add(batchRows({ batchId: 'b', count: 2, label: String, spec: (i, key) => specFor('b', i, key, NEW_RELAY), expectedSeconds: 90, now: 0 }));
    await tick();
    queue.cancel('b:1');
    queue.cancel('b:0');
    await tick();
    await tick();
    expect(queue.getState().rows.map((row) => row.state.phase)).toEqual(['cancelled', 'cancelled']);
  });

  it('records the relay’s mode with the history entry, so estimates are learned per mode', async () => {
    const sandbox = fakeSandbox();
    const histories: unknown[] = [];
    sandbox.place = async (_bytes, options) => (histories.push(options.history), { nodeId: '7:7', width: 1024, height: 1024 });
    const jobs = heldJobs();
    const queue = createGenerationQueue({ sandbox, jobsFor: jobs.jobsFor, parallel: 1, onBatchSettled: () => undefined });
    queue.add(batchRows({ batchId: 'b', count: 1, label: String, spec: (i, key) => ({ ...specFor('b', i, key, NEW_RELAY), relayMode: 'live' }), expectedSeconds: 90, now: 0 }));
    await tick();
    jobs.waiting.get('job-b-0-0')!.resolve(image);
    await tick();
    expect(histories).toEqual([expect.objectContaining({ mode: 'live', jobId: 'job-b-0-0' })]);
  });

  it('places an image Figma refused before once asked again', async () => {
    const sandbox = fakeSandbox();
    let refuse = true;
    sandbox.place = async (bytes) => {
      if (refuse) throw new PlacementError('Figma could not place it.', bytes);
      return { nodeId: '7:7', width: 1024, height: 1024 };
    };
    const jobs = heldJobs();
    const queue = createGenerationQueue({ sandbox, jobsFor: jobs.jobsFor, parallel: 1, onBatchSettled: () => undefined });
    queue.add(batchRows({ batchId: 'b', count: 1, label: String, spec: (i, key) => specFor('b', i, key, NEW_RELAY), expectedSeconds: 90, now: 0 }));
    await tick();
    jobs.waiting.get('job-b-0-0')!.resolve(image);
    await tick();
    expect(queue.getState().rows[0].state).toMatchObject({ phase: 'failed', unplaced: { jobId: 'job-b-0-0' } });
    refuse = false;
    await queue.placeUnplaced('b:0');
    expect(queue.getState().rows[0].state).toEqual({ phase: 'placed', nodeId: '7:7', width: 1024, height: 1024 });
  });
});
