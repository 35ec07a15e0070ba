import { buildEditForm } from '../shared/edit-form';
import type { GenerationRecord } from '../shared/protocol';
import type { ImageSize } from '../shared/sizes';
import { readBody } from './read-body';
import { callRelay, isAbort, RelayBlockedError, type RelayConnection, RelayError, relayErrorOf, RelayUnreachableError } from './relay-client';
import { retryDelayMs } from './retry-delay';

export type JobRequest = { kind: 'edit'; form: FormData } | { kind: 'generate'; prompt: string; size: ImageSize };

/** What the relay is sent for a generation: its prompt with the references as an edit, or the prompt alone. */
export function jobRequestFor(generation: GenerationRecord, references: readonly { bytes: Uint8Array }[]): JobRequest {
  const { prompt, size } = generation;
  if (references.length === 0) return { kind: 'generate', prompt, size };
  const images = references.map((reference, i) => ({ filename: `reference-${i + 1}.png`, bytes: reference.bytes }));
  return { kind: 'edit', form: buildEditForm({ prompt, size, images }) };
}

export interface JobResult {
  bytes: Uint8Array;
  width: number;
  height: number;
}

/** A poll that failed for a passing reason and will be tried again. */
export interface PollRetry {
  /** What went wrong, in one sentence. */
  reason: string;
  /** When the next try starts (ms since the epoch). */
  retryAt: number;
  /** The relay could not be reached at all (down, or the network), rather than answering with an error. */
  unreachable: boolean;
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** Told each time a poll fails and will be tried again, and with undefined once the relay answers again. */
  onRetry?: (retry: PollRetry | undefined) => void;
}

/** The relay's job API as the generation flow needs it; tests can pass another implementation. */
export interface JobClient {
  submit(request: JobRequest, idempotencyKey: string, signal?: AbortSignal): Promise<{ id: string }>;
  /** The job this token submitted with this key, if the relay has it; nothing is started either way. */
  find(idempotencyKey: string, options: WaitOptions): Promise<{ id: string } | undefined>;
  wait(id: string, options: WaitOptions): Promise<JobResult>;
  cancel(id: string): Promise<void>;
}

interface JobStatus {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  error?: { message?: string };
  image?: { width: number; height: number };
}

export interface PollTiming {
  /** How long one long poll may wait on the relay; proxies cut idle requests, so it stays well under a minute. */
  waitSeconds: number;
  firstRetryDelayMs: number;
}

const DEFAULT_TIMING: PollTiming = { waitSeconds: 25, firstRetryDelayMs: 1000 };

/** Statuses that say the relay (or a proxy before it) is briefly unwell, not that the job is lost. */
function isTransient(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** The relay's 429 for a person whose monthly budget is spent (code budget_exhausted), unlike a rate limit that passes in seconds. */
async function isBudgetRefusal(response: Response): Promise<boolean> {
  const body = (await response.json().catch(() => undefined)) as { error?: { code?: unknown } } | undefined;
  return body?.error?.code === 'budget_exhausted';
}

class TransientFailure extends Error {
  constructor(
    message: string,
    readonly unreachable = false,
  ) {
    super(message);
  }
}

/** Waits `ms`, or less when `wake` resolves first (the designer pressed Retry now). */
function sleep(ms: number, signal?: AbortSignal, wake?: Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    void wake?.then(done);
  });
}

/**
 * `wake`, when given, is asked for a promise before each wait between tries; resolving it ends that
 * wait at once (the panel's Retry now).
 */
export function relayJobClient(connection: RelayConnection, timing: PollTiming = DEFAULT_TIMING, wake?: () => Promise<void>): JobClient {
  const { relayUrl } = connection;
  const expired = () =>
    new RelayError('The relay no longer has this image: it keeps results for a day, and this one is gone. Generate it again.');

  /** A call whose network failure (a proxy, a restart) is passing: it becomes a TransientFailure. */
  async function call(path: string, init: RequestInit): Promise<Response> {
    try {
      return await callRelay(connection, path, init);
    } catch (error) {
      if (isAbort(error) || !(error instanceof RelayError) || error instanceof RelayBlockedError) throw error;
      throw new TransientFailure(error.message, error instanceof RelayUnreachableError);
    }
  }

  /** One job API call that may fail for a passing reason: those become TransientFailure. */
  async function attempt(path: string, signal?: AbortSignal): Promise<Response> {
    const response = await call(path, { signal });
    if (response.status === 404) throw expired();
    if (isTransient(response.status)) throw new TransientFailure(`The relay answered HTTP ${response.status}.`);
    if (!response.ok) throw await relayErrorOf(response, relayUrl);
    return response;
  }

  /** Repeats a call until it succeeds or fails for good, saying each time it will try again. */
  async function persist<T>(call: () => Promise<T>, options: WaitOptions): Promise<T> {
    for (let failures = 0; ; ) {
      try {
        const value = await call();
        if (failures > 0) options.onRetry?.(undefined);
        return value;
      } catch (error) {
        if (!(error instanceof TransientFailure)) throw error;
        failures += 1;
        const delay = retryDelayMs(failures, timing.firstRetryDelayMs, error.unreachable);
        options.onRetry?.({ reason: error.message, retryAt: Date.now() + delay, unreachable: error.unreachable });
        await sleep(delay, options.signal, wake?.());
      }
    }
  }

  async function jobIdOf(response: Response): Promise<string> {
    const job = (await response.json()) as { id?: unknown };
    if (typeof job.id !== 'string') throw new RelayError('The relay answered without a job id. Try again; if it keeps happening, tell your admin.');
    return job.id;
  }

  const jobHeaders = (idempotencyKey: string) => ({ Prefer: 'respond-async', 'Idempotency-Key': idempotencyKey });

  return {
    async submit(request, idempotencyKey, signal) {
      const headers: Record<string, string> = jobHeaders(idempotencyKey);
      const init: RequestInit =
        request.kind === 'edit'
          ? { method: 'POST', body: request.form, headers, signal }
          : {
              method: 'POST',
              body: JSON.stringify({ prompt: request.prompt, size: request.size }),
              headers: { ...headers, 'Content-Type': 'application/json' },
              signal,
            };
      const path = request.kind === 'edit' ? 'v1/images/edits' : 'v1/images/generations';
      const response = await callRelay(connection, path, init);
      if (response.status !== 202) {
        if (response.ok) {
          throw new RelayError(`The relay at ${relayUrl} does not run jobs: update it to this version of Reimage's relay.`);
        }
        throw await relayErrorOf(response, relayUrl);
      }
      return { id: await jobIdOf(response) };
    },

    /**
     * The relay answers a submit whose Idempotency-Key it knows from the key alone, without reading
     * the body. Asked with the key and an empty body, it answers 202 with the job it has, or, when
     * it has none, reads the body, finds no prompt and refuses it (400): nothing starts.
     */
    find(idempotencyKey, options) {
      return persist(async () => {
        const init = { method: 'POST', body: '{}', headers: { ...jobHeaders(idempotencyKey), 'Content-Type': 'application/json' }, signal: options.signal };
        const response = await call('v1/images/generations', init);
        if (response.status === 202) return { id: await jobIdOf(response) };
        if (response.status === 400) return undefined;
        // A spent monthly budget passes only with the month: asking again would never end.
        if (response.status === 429 && (await isBudgetRefusal(response.clone()))) throw await relayErrorOf(response, relayUrl);
        if (isTransient(response.status)) throw new TransientFailure(`The relay answered HTTP ${response.status}.`);
        throw await relayErrorOf(response, relayUrl);
      }, options);
    },

    async wait(id, options) {
      const jobPath = `v1/jobs/${encodeURIComponent(id)}`;
      for (;;) {
        const job = await persist(async () => (await (await attempt(`${jobPath}?wait=${timing.waitSeconds}`, options.signal)).json()) as JobStatus, options);
        if (job.status === 'failed') throw new RelayError(job.error?.message ?? 'The relay could not make this image. Try again.');
        if (job.status === 'cancelled') throw new RelayError('This generation was cancelled.');
        if (job.status === 'succeeded' && job.image) {
          const bytes = await persist(async () => readBody(await attempt(`${jobPath}/image`, options.signal)), options);
          return { bytes, width: job.image.width, height: job.image.height };
        }
      }
    },

    async cancel(id) {
      const response = await callRelay(connection, `v1/jobs/${encodeURIComponent(id)}`, { method: 'DELETE' });
      if (!response.ok && response.status !== 404) throw await relayErrorOf(response, relayUrl);
    },
  };
}
