import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { createLimiter } from '../shared/concurrency';
import { readPngSize } from '../shared/png-size';
import type { LogLine } from './app';
import type { AdmissionRules } from './client-limits';
import { RelayHttpError } from './errors';
import type { ImageRequest } from './image-request';
import { isFinished, type JobRecord } from './job-record';
import type { JobStore } from './job-store';
import { callProvider, imageAnswer, type ProviderImage, requestImage } from './provider';
import type { Upstream } from './upstream';
import { withRetries, WRITE_RETRY_DELAYS_MS } from './write-retry';

export const DEFAULT_JOB_TTL_HOURS = 24;
export const MAX_WAIT_SECONDS = 25;
/**
 * Answers read, decoded and written at once. Each is held a few times over while it is read; the
 * rest wait, unread, in their sockets, so memory stays flat however many jobs finish together.
 */
const ANSWER_READS_AT_ONCE = 4;

/** A restart takes seconds once the images in progress are done; they may take a few minutes. */
const STOPPING_RETRY_SECONDS = 30;

export const INTERRUPTED_MESSAGE = 'The relay restarted while this image was being made; it was not finished. Generate again.';

export interface JobManagerOptions {
  upstream: Upstream;
  store: JobStore;
  /** How long a finished job and its image are kept. */
  ttlMs: number;
  now?: () => number;
  /**
   * Per-client limits: asked before a request's body is read (a job or a synchronous request) and
   * told when its provider call starts. A retried Idempotency-Key is not asked.
   */
  rules?: AdmissionRules;
  /** Gets one line per job that ends, with the time its provider call took, and the disk's failures. */
  log?: (line: LogLine) => void;
  /** The waits between retries of a paid image's writes to disk. */
  writeRetryDelaysMs?: readonly number[];
}

/**
 * A client's place among the provider calls it may have in flight, taken before its request's body
 * is read (so a refused client uploads nothing) and given back once, when the call ends or the
 * request turns out unusable.
 */
export interface Admission {
  readonly client: string;
  /** The Idempotency-Key reserved for this submit, if it has one. */
  readonly idempotencyKey?: string;
  /** Its provider call starts now: only then does it count against the client's minute. */
  start(): void;
  release(): void;
}

interface Places {
  inFlight: number;
  starting: number;
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
  /** Idempotency-Keys whose first submit is still coming in: it ends when its job is registered or it fails. */
  private readonly reservedKeys = new Map<string, Promise<void>>();
  private readonly reservations = new WeakMap<Admission, () => void>();
  private readonly places = new Map<string, Places>();
  /** Admissions not yet released, over all clients; a drain waits for none to be left. */
  private held = 0;
  private readonly whenNoneHeld: (() => void)[] = [];
  private readonly now: () => number;
  private readonly answerReads = createLimiter(ANSWER_READS_AT_ONCE);
  private draining = false;
  private stopped = false;
  /** Ends the waits between write retries when the relay stops. */
  private readonly endWaits = new AbortController();
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

  /**
   * Runs a write of something finished, retrying it while it fails: a finished job may hold a paid
   * image, which a disk that is full for a moment must not lose.
   */
  private retried(write: () => Promise<void>): Promise<void> {
    return withRetries(write, this.options.writeRetryDelaysMs ?? WRITE_RETRY_DELAYS_MS, (ms) => delay(ms, undefined, { signal: this.endWaits.signal }));
  }

  /** Writes the job's record as it is now, after `before` (the image a succeeded record points to). */
  private save(job: Job, before?: Promise<void>): Promise<void> {
    if (this.stopped) return job.saved;
    const snapshot = { ...job.record };
    const write = () => this.options.store.save(snapshot);
    job.saved = job.saved
      .catch(() => undefined)
      .then(() => before)
      .then(() => (isFinished(snapshot) ? this.retried(write) : write()));
    return job.saved;
  }

  private expired(record: JobRecord): boolean {
    return record.finishedAt !== undefined && Date.parse(record.finishedAt) + this.options.ttlMs <= this.now();
  }

  private find(client: string, id: string): Job | undefined {
    const job = this.jobs.get(id);
    return job && job.record.client === client && !this.expired(job.record) ? job : undefined;
  }

  /**
   * Refuses a client over its limits (or everyone while the relay drains), else counts a provider
   * call against the client until the admission is released.
   */
  admit(client: string, idempotencyKey?: string): Admission {
    if (this.draining) throw restarting();
    const places = this.places.get(client) ?? { inFlight: 0, starting: 0 };
    this.options.rules?.check(client, { ...places });
    places.inFlight++;
    places.starting++;
    this.places.set(client, places);
    this.held++;
    let started = false;
    let released = false;
    const endReservation = idempotencyKey === undefined ? () => {} : this.reserve(this.keyOf(client, idempotencyKey));
    const admission: Admission = {
      client,
      idempotencyKey,
      start: () => {
        if (started || released) return;
        started = true;
        places.starting--;
        this.options.rules?.started(client);
      },
      release: () => {
        if (released) return;
        released = true;
        endReservation();
        if (!started) places.starting--;
        if (--places.inFlight === 0) this.places.delete(client);
        if (--this.held === 0) this.whenNoneHeld.splice(0).forEach((wake) => wake());
      },
    };
    this.reservations.set(admission, endReservation);
    return admission;
  }

  /** Reserves an Idempotency-Key; the function returned ends the reservation (once its job is registered, or it failed). */
  private reserve(key: string): () => void {
    let wake!: () => void;
    const ended = new Promise<void>((resolve) => (wake = resolve));
    this.reservedKeys.set(key, ended);
    return () => {
      if (this.reservedKeys.get(key) === ended) this.reservedKeys.delete(key);
      wake();
    };
  }

  /**
   * For a job submit: the job this client already started with this Idempotency-Key, or else a
   * place to start one, with the key reserved for it. A submit with a key whose first submit is
   * still coming in waits for that one rather than reading its own body; it takes the key only if
   * that one fails.
   */
  async admitJob(client: string, idempotencyKey?: string): Promise<{ job: JobRecord } | { admission: Admission }> {
    if (idempotencyKey !== undefined) {
      for (;;) {
        const existing = this.byKey(client, idempotencyKey);
        if (existing) return { job: await this.onDisk(existing) };
        const reserved = this.reservedKeys.get(this.keyOf(client, idempotencyKey));
        if (!reserved) break;
        await reserved;
      }
    }
    return { admission: this.admit(client, idempotencyKey) };
  }

  /** The synchronous path: one provider call for the client, answered in place, nothing kept. */
  async generateNow(admission: Admission, request: ImageRequest, signal: AbortSignal): Promise<ProviderImage> {
    try {
      admission.start();
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

  /**
   * Starts a job with the admission's place (and Idempotency-Key). Its record is written first and
   * only then is the provider called: an image the relay could not keep is never paid for, and
   * the job's id survives a restart.
   */
  async submit(admission: Admission, request: ImageRequest): Promise<JobRecord> {
    const { client, idempotencyKey } = admission;
    const job = this.adopt({
      id: `job_${randomBytes(12).toString('base64url')}`,
      client,
      kind: request.kind,
      status: 'queued',
      createdAt: new Date(this.now()).toISOString(),
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    });
    const saved = this.save(job);
    // Submits waiting on the key now find this job, and wait for its record as this one does.
    this.reservations.get(admission)?.();
    try {
      await saved;
    } catch {
      this.forget(job);
      admission.release();
      throw notSaved();
    }
    void this.run(job, request, admission);
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
      admission.start();
      const answer = await callProvider(this.options.upstream, request, job.controller.signal);
      await this.answerReads(async () => {
        const png = Buffer.from((await imageAnswer(answer)).base64.toString('latin1'), 'base64');
        const size = readPngSize(png);
        if (!size) throw new RelayHttpError(502, 'provider_bad_answer', 'The image provider answered without a PNG image. Generate again in a minute.');
        if (record.status !== 'running' || this.stopped) return;
        // The job succeeds now and its PNG is served from memory; its record is saved once the PNG is on disk.
        job.png = png;
        const written = this.retried(() => this.options.store.saveImage(record.id, png)).then(
          () => {
            job.png = undefined;
          },
          (error: Error) => {
            // Paid for and already shown as succeeded: it stays so, served from memory until it expires.
            this.options.log?.({
              time: new Date().toISOString(),
              level: 'error',
              job: record.id,
              message: `Could not write the image of ${record.id} to disk (${error.message}); it is served from memory until it expires or the relay stops. Free space in RELAY_DATA_DIR.`,
            });
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

  /** Requests admitted and not yet ended, over all clients. */
  get inFlight(): number {
    return this.held;
  }

  /**
   * Takes no new requests (503 to each), and resolves once every request admitted before has ended
   * (its provider call answered, its body refused, its job finished) and every job's latest state,
   * image first, is on disk.
   */
  async drain(): Promise<void> {
    this.draining = true;
    while (this.held > 0) await new Promise<void>((resolve) => this.whenNoneHeld.push(resolve));
    await this.settled();
  }

  /**
   * Ends every provider call and writes nothing more, as if the process ended here: unfinished
   * jobs stay unfinished on disk, and the next start reports them failed.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.endWaits.abort();
    for (const job of this.jobs.values()) job.controller.abort();
    await this.settled();
  }

  /** Resolves once every job's latest state is on disk. */
  async settled(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((job) => job.saved.catch(() => undefined)));
  }
}

function restarting(): RelayHttpError {
  return new RelayHttpError(
    503,
    'relay_stopping',
    'The relay is restarting: it finishes the images in progress and takes no new ones. Try again in a minute.',
    undefined,
    { 'Retry-After': String(STOPPING_RETRY_SECONDS) },
  );
}

function notSaved(): RelayHttpError {
  return new RelayHttpError(507, 'job_not_saved', 'The relay could not save the job to its disk. Tell your admin to check the free space in RELAY_DATA_DIR.');
}
