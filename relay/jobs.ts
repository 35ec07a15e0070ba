import { randomBytes } from 'node:crypto';
import { createLimiter } from '../shared/concurrency';
import { readPngSize } from '../shared/png-size';
import type { LogLine } from './app';
import { RelayHttpError } from './errors';
import type { ImageRequest } from './image-request';
import { isFinished, type JobRecord } from './job-record';
import type { JobStore } from './job-store';
import { callProvider, imageAnswer, type ProviderImage, requestImage } from './provider';
import type { Upstream } from './upstream';

export const DEFAULT_JOB_TTL_HOURS = 24;
export const MAX_WAIT_SECONDS = 25;
/**
 * Answers read, decoded and written at once. Each is held a few times over while it is read; the
 * rest wait, unread, in their sockets, so memory stays flat however many jobs finish together.
 */
const ANSWER_READS_AT_ONCE = 4;

export const INTERRUPTED_MESSAGE = 'The relay restarted while this image was being made; it was not finished. Generate again.';

export interface JobManagerOptions {
  upstream: Upstream;
  store: JobStore;
  /** How long a finished job and its image are kept. */
  ttlMs: number;
  now?: () => number;
  /**
   * Asked before a client starts a provider call (a job or a synchronous request), with how many it
   * has in flight; throws a RelayHttpError (e.g. 429) to refuse. A retried Idempotency-Key is not asked.
   */
  admit?: (client: string, inFlight: number) => void;
  /** Gets one line per job that ends, with the time its provider call took. */
  log?: (line: LogLine) => void;
}

/**
 * A client's place among the provider calls it may have in flight, taken before its request's body
 * is read (so a refused client uploads nothing) and given back once, when the call ends or the
 * request turns out unusable.
 */
export interface Admission {
  readonly client: string;
  release(): void;
}

interface Job {
  record: JobRecord;
  controller: AbortController;
  /** The last write of the record; writes are chained so an older state never lands last. */
  saved: Promise<void>;
  waiters: Set<() => void>;
  /** A succeeded job's PNG while it is being written to disk: its client need not wait for the disk. */
  png?: Buffer;
}

function errorOf(error: unknown): NonNullable<JobRecord['error']> {
  const known =
    error instanceof RelayHttpError
      ? error
      : new RelayHttpError(500, 'internal_error', 'The relay failed unexpectedly while making this image. Generate again; if it keeps failing, tell your admin.');
  return { message: known.message, type: known.type, code: known.code };
}

/**
 * Image jobs: each submit makes one provider call in the background, whose PNG is kept on disk for
 * the TTL. Jobs belong to the client that submitted them; others cannot see them.
 */
export class JobManager {
  private readonly jobs = new Map<string, Job>();
  private readonly byIdempotencyKey = new Map<string, Job>();
  private readonly inFlight = new Map<string, number>();
  private readonly now: () => number;
  private readonly answerReads = createLimiter(ANSWER_READS_AT_ONCE);
  private stopped = false;
  /** How many jobs were unfinished when the relay last stopped (now failed). */
  interrupted = 0;

  private constructor(private readonly options: JobManagerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Loads the jobs kept on disk; those that were unfinished when the relay stopped become failed. */
  static async open(options: JobManagerOptions): Promise<JobManager> {
    const manager = new JobManager(options);
    for (const record of await options.store.loadAll()) {
      const job = manager.adopt(record);
      if (!isFinished(record)) {
        manager.interrupted++;
        manager.finish(job, { status: 'failed', error: { message: INTERRUPTED_MESSAGE, type: 'server_error', code: 'relay_restarted' } });
      }
    }
    await manager.cleanup();
    await manager.settled();
    return manager;
  }

  private adopt(record: JobRecord): Job {
    const job: Job = { record, controller: new AbortController(), saved: Promise.resolve(), waiters: new Set() };
    this.jobs.set(record.id, job);
    if (record.idempotencyKey) this.byIdempotencyKey.set(this.keyOf(record.client, record.idempotencyKey), job);
    return job;
  }

  private keyOf(client: string, idempotencyKey: string): string {
    return JSON.stringify([client, idempotencyKey]);
  }

  /** Writes the job's record as it is now, after `before` (the image a succeeded record points to). */
  private save(job: Job, before?: Promise<void>): Promise<void> {
    if (this.stopped) return job.saved;
    const snapshot = { ...job.record };
    job.saved = job.saved
      .catch(() => undefined)
      .then(() => before)
      .then(() => this.options.store.save(snapshot));
    return job.saved;
  }

  private expired(record: JobRecord): boolean {
    return record.finishedAt !== undefined && Date.parse(record.finishedAt) + this.options.ttlMs <= this.now();
  }

  private find(client: string, id: string): Job | undefined {
    const job = this.jobs.get(id);
    return job && job.record.client === client && !this.expired(job.record) ? job : undefined;
  }

  /** Asks `admit`, then counts a provider call against its client until the admission is released. */
  admit(client: string): Admission {
    const count = this.inFlight.get(client) ?? 0;
    this.options.admit?.(client, count);
    this.inFlight.set(client, count + 1);
    let released = false;
    return {
      client,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.inFlight.get(client) ?? 1) - 1;
        if (left === 0) this.inFlight.delete(client);
        else this.inFlight.set(client, left);
      },
    };
  }

  /** The synchronous path: one provider call for the client, answered in place, nothing kept. */
  async generateNow(admission: Admission, request: ImageRequest, signal: AbortSignal): Promise<ProviderImage> {
    try {
      return await requestImage(this.options.upstream, request, signal);
    } finally {
      admission.release();
    }
  }

  /** The unexpired job this client started with this Idempotency-Key. */
  private byKey(client: string, idempotencyKey: string): Job | undefined {
    const job = this.byIdempotencyKey.get(this.keyOf(client, idempotencyKey));
    return job && this.jobs.has(job.record.id) && !this.expired(job.record) ? job : undefined;
  }

  private async onDisk(job: Job): Promise<JobRecord> {
    await job.saved.catch(() => undefined);
    if (!this.jobs.has(job.record.id)) throw notSaved();
    return job.record;
  }

  /** The job this client started with this Idempotency-Key, once it is on disk; undefined if none. */
  async started(client: string, idempotencyKey: string): Promise<JobRecord | undefined> {
    const job = this.byKey(client, idempotencyKey);
    return job && this.onDisk(job);
  }

  /**
   * Starts a job, or returns the one this client already started with the same Idempotency-Key
   * (another request with the key may have started it while this one's body came in). The job is
   * on disk before this resolves, so its id survives a restart.
   */
  async submit(admission: Admission, request: ImageRequest, idempotencyKey?: string): Promise<JobRecord> {
    const { client } = admission;
    const existing = idempotencyKey === undefined ? undefined : this.byKey(client, idempotencyKey);
    if (existing) {
      admission.release();
      return this.onDisk(existing);
    }
    // Registered before anything is awaited, so a concurrent submit with the same key finds it.
    const job = this.adopt({
      id: `job_${randomBytes(12).toString('base64url')}`,
      client,
      kind: request.kind,
      status: 'queued',
      createdAt: new Date(this.now()).toISOString(),
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    });
    // The provider call starts at once; the job is answered for only once its record is on disk.
    void this.run(job, request, admission);
    try {
      await this.save(job);
    } catch {
      // Not finished: the record is never written again, and the call is ended before it costs.
      job.record.status = 'cancelled';
      job.controller.abort();
      this.forget(job);
      throw notSaved();
    }
    return job.record;
  }

  private async run(job: Job, request: ImageRequest, admission: Admission): Promise<void> {
    const { record } = job;
    const started = performance.now();
    let ended = false;
    /** Once the client can see how the job ended: its place is free for another, and the job is logged. */
    const end = () => {
      if (ended) return;
      ended = true;
      admission.release();
      const upstreamMs = Math.round(performance.now() - started);
      this.options.log?.({ time: new Date().toISOString(), client: record.client, job: record.id, kind: record.kind, status: record.status, upstreamMs, bytesOut: record.image?.bytes });
    };
    try {
      if (record.status !== 'queued') return;
      record.status = 'running';
      const answer = await callProvider(this.options.upstream, request, job.controller.signal);
      await this.answerReads(async () => {
        const png = Buffer.from((await imageAnswer(answer)).base64.toString('latin1'), 'base64');
        const size = readPngSize(png);
        if (!size) throw new RelayHttpError(502, 'provider_bad_answer', 'The image provider answered without a PNG image. Generate again in a minute.');
        if (record.status !== 'running' || this.stopped) return;
        // The job succeeds now and its PNG is served from memory; its record is saved once the PNG is on disk.
        job.png = png;
        const written = this.options.store.saveImage(record.id, png).then(
          () => {
            job.png = undefined;
          },
          (error: unknown) => {
            job.png = undefined;
            Object.assign(record, { status: 'failed', error: errorOf(notSaved()), image: undefined });
            void this.save(job).catch(() => undefined);
            throw error;
          },
        );
        this.finish(job, { status: 'succeeded', image: { ...size, bytes: png.length } }, written);
        end();
        // Holding its place until then keeps the PNGs in memory at once few.
        await written.catch(() => undefined);
      });
    } catch (error) {
      if (record.status === 'running') this.finish(job, { status: 'failed', error: errorOf(error) });
    } finally {
      end();
    }
  }

  private finish(job: Job, outcome: Pick<JobRecord, 'status' | 'error' | 'image'>, imageWritten?: Promise<void>): void {
    Object.assign(job.record, outcome, { finishedAt: new Date(this.now()).toISOString() });
    // A failed write leaves the job unfinished on disk, and a restart then reports it failed.
    this.save(job, imageWritten).catch(() => undefined);
    for (const wake of job.waiters) wake();
  }

  private forget(job: Job): void {
    this.jobs.delete(job.record.id);
    const key = job.record.idempotencyKey === undefined ? undefined : this.keyOf(job.record.client, job.record.idempotencyKey);
    // After expiry the same key may already name a newer job.
    if (key !== undefined && this.byIdempotencyKey.get(key) === job) this.byIdempotencyKey.delete(key);
    for (const wake of job.waiters) wake();
  }

  get(client: string, id: string): JobRecord | undefined {
    return this.find(client, id)?.record;
  }

  /** The job once it has ended, or as it is after `waitMs` (or when `signal` aborts). */
  async wait(client: string, id: string, waitMs: number, signal?: AbortSignal): Promise<JobRecord | undefined> {
    const job = this.find(client, id);
    if (!job || isFinished(job.record) || waitMs <= 0) return job?.record;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        job.waiters.delete(wake);
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, waitMs);
      job.waiters.add(wake);
      signal?.addEventListener('abort', wake);
    });
    return this.find(client, id)?.record;
  }

  /** Cancels an unfinished job, aborting its provider call; a finished job is left as it is. */
  async cancel(client: string, id: string): Promise<JobRecord | undefined> {
    const job = this.find(client, id);
    if (!job) return undefined;
    if (!isFinished(job.record)) {
      this.finish(job, { status: 'cancelled' });
      job.controller.abort();
    }
    await job.saved.catch(() => undefined);
    return job.record;
  }

  /** A succeeded job's PNG: in memory while it is being written, else where it is on disk; and its length. */
  image(client: string, id: string): { png?: Buffer; path: string; bytes: number } | undefined {
    const job = this.find(client, id);
    if (job?.record.status !== 'succeeded' || !job.record.image) return undefined;
    return { png: job.png, path: this.options.store.imagePath(id), bytes: job.record.image.bytes };
  }

  /** Deletes the jobs whose TTL has passed, with their images; returns how many. */
  async cleanup(): Promise<number> {
    const expired = [...this.jobs.values()].filter((job) => this.expired(job.record));
    for (const job of expired) this.forget(job);
    await Promise.all(expired.map((job) => job.saved.catch(() => undefined).then(() => this.options.store.remove(job.record.id))));
    return expired.length;
  }

  /**
   * Ends every provider call and writes nothing more, as if the process ended here: unfinished
   * jobs stay unfinished on disk, and the next start reports them failed.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const job of this.jobs.values()) job.controller.abort();
    await this.settled();
  }

  /** Resolves once every job's latest state is on disk. */
  async settled(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((job) => job.saved.catch(() => undefined)));
  }
}

function notSaved(): RelayHttpError {
  return new RelayHttpError(507, 'job_not_saved', 'The relay could not save the job to its disk. Tell your admin to check the free space in RELAY_DATA_DIR.');
}
