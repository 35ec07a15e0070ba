import { createLimiter } from '../shared/concurrency';
import type { JobClient } from './job-client';
import type { RelayConnection } from './relay-client';
import type { RequestRow } from './components/RequestRows';
import { isSettled, PlacementError, runVariant, type Sandbox, type VariantSpec, type VariantState } from './variant-run';

/**
 * The panel's generation queue: one row per requested image, from queued to placed, with its
 * attempts and the batch it belongs to. The state and its changes are a pure reducer; the store
 * around it runs the rows' jobs, a few at a time, and holds what cannot be state (abort handles).
 */
export interface QueueRow extends RequestRow {
  batchId: string;
  /** The Generate press (or the panel's opening, for resumed jobs) it came from: earlier runs fold away. */
  runId: string;
  spec: VariantSpec;
  attempt: number;
}

export interface QueueState {
  rows: readonly QueueRow[];
}

export type QueueAction =
  /** A new batch (or a resumed job): rows settled well (placed, cancelled) go; failed ones stay to be retried. */
  | { type: 'added'; rows: QueueRow[] }
  | { type: 'started'; key: string; at: number }
  | { type: 'changed'; key: string; state: VariantState }
  /** Sent again as a new job (a new Idempotency-Key), to the relay in Settings now with its token. */
  | { type: 'retried'; key: string; relay: RelayConnection }
  | { type: 'dismissed'; key: string };

export const EMPTY_QUEUE: QueueState = { rows: [] };

function changeRow(state: QueueState, key: string, change: (row: QueueRow) => QueueRow): QueueState {
  return { rows: state.rows.map((row) => (row.key === key ? change(row) : row)) };
}

export function queueReducer(state: QueueState, action: QueueAction): QueueState {
  switch (action.type) {
    case 'added':
      return { rows: [...state.rows.filter((row) => !isSettled(row.state) || row.state.phase === 'failed'), ...action.rows] };
    case 'started':
      return changeRow(state, action.key, (row) => ({ ...row, startedAt: action.at, spec: { ...row.spec, startedAt: action.at } }));
    case 'changed':
      return changeRow(state, action.key, (row) => ({ ...row, state: action.state }));
    case 'retried':
      return changeRow(state, action.key, (row) => {
        if (!row.retryable || !isSettled(row.state) || row.state.phase === 'placed') return row;
        const attempt = row.attempt + 1;
        return {
          ...row,
          attempt,
          state: { phase: 'queued' },
          spec: { ...row.spec, idempotencyKey: `${row.batchId}-${row.spec.batch?.index ?? 0}-${attempt}`, relay: action.relay },
        };
      });
    case 'dismissed':
      return { rows: state.rows.filter((row) => row.key !== action.key || !isSettled(row.state)) };
  }
}

/** The rows of one new batch: one per variant, each its own job with its own Idempotency-Key. */
export function batchRows(options: {
  batchId: string;
  count: number;
  label: (index: number) => string;
  spec: (index: number, idempotencyKey: string) => VariantSpec;
  expectedSeconds: number;
  now: number;
}): QueueRow[] {
  return Array.from({ length: options.count }, (_, index) => {
    const spec = options.spec(index, `${options.batchId}-${index}-0`);
    return {
      key: `${options.batchId}:${index}`,
      batchId: options.batchId,
      runId: options.batchId,
      label: options.label(index),
      prompt: spec.generation.prompt,
      requestedAt: options.now,
      state: { phase: 'queued' },
      startedAt: options.now,
      expectedSeconds: options.expectedSeconds,
      attempt: 0,
      retryable: true,
      spec,
    };
  });
}

/** The panel's opening: the jobs it resumes are one run. */
export const RESUMED_RUN = 'resumed';

/** The row of a job found pending when the plugin opened; it is waited for, never sent again as new. */
export function resumedRow(batchId: string, spec: VariantSpec, expectedSeconds: number): QueueRow {
  return {
    key: `${batchId}:0`,
    batchId,
    runId: RESUMED_RUN,
    label: 'Resumed',
    prompt: spec.generation.prompt,
    requestedAt: spec.startedAt,
    state: { phase: 'queued' },
    startedAt: spec.startedAt,
    expectedSeconds,
    attempt: 0,
    retryable: false,
    spec,
  };
}

/** The rows of the latest run, shown open, and those of earlier runs, folded away. */
export function foldRuns(state: QueueState): { current: QueueRow[]; earlier: QueueRow[] } {
  const latest = state.rows.at(-1)?.runId;
  return { current: state.rows.filter((row) => row.runId === latest), earlier: state.rows.filter((row) => row.runId !== latest) };
}

export interface QueueDeps {
  sandbox: Sandbox;
  /** The job client for a relay; `wake` ends its waits between tries at once (see GenerationQueue.retryNow). */
  jobsFor: (relay: RelayConnection, wake: () => Promise<void>) => JobClient;
  /** How many jobs run at once (the relay's per-token limit). */
  parallel: number;
  /** Once every row of a batch settled; with the last row's final state. */
  onBatchSettled: (batchId: string, final: VariantState) => void;
  now?: () => number;
}

export interface GenerationQueue {
  getState(): QueueState;
  subscribe(listener: (state: QueueState) => void): () => void;
  add(rows: QueueRow[]): void;
  cancel(key: string): void;
  /** Cancels every row still on its way (Quick edit's Cancel). */
  cancelAll(): void;
  retry(key: string, relay: RelayConnection): void;
  placeUnplaced(key: string): Promise<void>;
  dismiss(key: string): void;
  /** Ends every row's wait between tries at once: the designer pressed Retry now, or the relay is back. */
  retryNow(): void;
}

/** Whether any row is still on its way. */
export function isRunning(state: QueueState): boolean {
  return state.rows.some((row) => !isSettled(row.state));
}

export function createGenerationQueue(deps: QueueDeps): GenerationQueue {
  const now = deps.now ?? Date.now;
  let state = EMPTY_QUEUE;
  const listeners = new Set<(state: QueueState) => void>();
  const controllers = new Map<string, AbortController>();
  const unsettled = new Map<string, number>();
  const limit = createLimiter(deps.parallel);
  let wakeUp = () => {};
  let woken = new Promise<void>((resolve) => (wakeUp = resolve));
  const wake = () => woken;

  function dispatch(action: QueueAction) {
    state = queueReducer(state, action);
    listeners.forEach((listener) => listener(state));
  }

  const rowOf = (key: string) => state.rows.find((row) => row.key === key);

  function batchSettled(batchId: string, final: VariantState) {
    const left = (unsettled.get(batchId) ?? 1) - 1;
    unsettled.set(batchId, left);
    if (left === 0) deps.onBatchSettled(batchId, final);
  }

  /** Runs a row's job at the relay the job belongs to, with the token kept with it. */
  function schedule(key: string) {
    const row = rowOf(key);
    if (!row) return;
    const controller = new AbortController();
    controllers.set(key, controller);
    unsettled.set(row.batchId, (unsettled.get(row.batchId) ?? 0) + 1);
    void limit(async () => {
      if (controller.signal.aborted) {
        dispatch({ type: 'changed', key, state: { phase: 'cancelled' } });
        return batchSettled(row.batchId, { phase: 'cancelled' });
      }
      dispatch({ type: 'started', key, at: now() });
      const spec = rowOf(key)?.spec ?? row.spec;
      const final = await runVariant(deps.jobsFor(spec.relay, wake), deps.sandbox, spec, controller.signal, (next) => dispatch({ type: 'changed', key, state: next }));
      batchSettled(row.batchId, final);
    });
  }

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    add(rows) {
      dispatch({ type: 'added', rows });
      rows.forEach((row) => schedule(row.key));
    },
    cancel(key) {
      controllers.get(key)?.abort();
    },
    cancelAll() {
      state.rows.filter((row) => !isSettled(row.state)).forEach((row) => controllers.get(row.key)?.abort());
    },
    retry(key, relay) {
      const before = rowOf(key);
      dispatch({ type: 'retried', key, relay });
      if (rowOf(key) !== before) schedule(key);
    },
    async placeUnplaced(key) {
      const row = rowOf(key);
      if (row?.state.phase !== 'failed' || !row.state.unplaced) return;
      const { bytes, jobId } = row.state.unplaced;
      dispatch({ type: 'changed', key, state: { phase: 'placing', jobId } });
      try {
        const placed = await deps.sandbox.place(bytes, { generation: row.spec.generation, placement: row.spec.placement, jobId });
        dispatch({ type: 'changed', key, state: { phase: 'placed', ...placed } });
      } catch (error) {
        const unplaced = error instanceof PlacementError ? { bytes: error.bytes, jobId } : undefined;
        dispatch({ type: 'changed', key, state: { phase: 'failed', message: (error as Error).message, unplaced } });
      }
    },
    dismiss(key) {
      dispatch({ type: 'dismissed', key });
    },
    retryNow() {
      const wakeAll = wakeUp;
      woken = new Promise<void>((resolve) => (wakeUp = resolve));
      wakeAll();
    },
  };
}
