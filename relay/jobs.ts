import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { createLimiter } from '../shared/concurrency';
import { readPngSize } from '../shared/png-size';
import type { LogLine } from './app';
import type { ClientLimits } from './client-limits';
import { RelayHttpError, StoreUnavailableError } from './errors';
import type { ImageRequest } from './image-request';
import { isExpired, isFinished, type JobRecord, type JobStatus } from './job-record';
import { callProvider, decodedBytes, imageAnswer, type ProviderImage, requestImage } from './provider';
import { LocalEvents } from './store/local-events';
import { nextChange } from './store/next-change';
import type { JobOutcome, Place, RelayStore } from './store/store';
import type { UsageRecord } from './store/usage';
import type { Upstream } from './upstream';
import { callUsage, type CallUsage, jobUsageOutcome } from './call-usage';
import { effectiveCap } from './monthly-budget';
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

/**
 * How often a submit whose Idempotency-Key another submit holds looks again without an event: an
 * event normally wakes it at once, this only bounds the wait when one was missed.
 */
const KEY_RECHECK_MS = 1000;
/**
 * How long a download waits for an unfinished job to end before it says "not ready". Behind a load
 * balancer the instance that ran a job tells its client "succeeded" while it still stores the PNG
 * (an 8 MB image takes a moment), and the download may reach another instance, which sees the job
 * running until the store has it.
 */
const IMAGE_WAIT_MS = 10_000;

export interface JobManagerOptions {
  upstream: Upstream;
  /** Where everything a client sees is kept; this manager holds only what it runs itself. */
  store: RelayStore;
  /** How long a finished job is kept: the store's too (a job this instance shows from memory expires as the store's do); 24 h when not given. */
  ttlMs?: number;
  /** Per-client limits, over every instance on the store; none: no limit. */
  clientLimits?: ClientLimits;
  /** MONTHLY_IMAGES_PER_TOKEN: the cap of everyone without one of their own; none: no cap. Applies only with `clientLimits`. */
  monthlyImagesPerToken?: number;
  now?: () => number;
  /** Gets one line per job that ends, with the time its provider call took, and the store's failures. */
  log?: (line: LogLine) => void;
  /** The waits between retries of a paid image's writes to the store. */
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
  /** Its provider call ended: the call goes into the usage ledger as the place is freed, in one step, so a monthly budget never misses it. */
  ended(call: CallUsage): void;
}

/** A job this instance runs: what only this instance has of it. */
interface Running {
  client: string;
  controller: AbortController;
  /** Cancelled through this instance: its provider call is aborted on purpose, nothing more to write. */
  cancelled?: boolean;
  /** How it ended for its client once the provider answered, while its PNG and record are being stored. */
  succeeded?: JobRecord;
  /** Its PNG meanwhile: requests reaching this instance need not wait for the store. */
  png?: Buffer;
  /** Resolves once the PNG and the succeeded record are stored, or their writes gave up. */
  kept?: Promise<void>;
}

function errorOf(error: unknown): NonNullable<JobRecord['error']> {
  const known =
    error instanceof RelayHttpError
      ? error
      : new RelayHttpError(500, 'internal_error', 'The relay failed unexpectedly while making this image. Generate again; if it keeps failing, tell your admin.');
  return { message: known.message, type: known.type, code: known.code };
}

/**
 * Image jobs: each submit makes one provider call in the background, whose PNG is kept in the store
 * for the TTL. Jobs belong to the client that submitted them; others cannot see them. Any instance
 * on the same store answers for any job; the one that runs it holds its provider call.
 */
export class JobManager {
  private readonly running = new Map<string, Running>();
  /** Tells long polls on this instance that a job it runs has succeeded before the store says so. */
  private readonly localEvents = new LocalEvents();
  /** Admissions not yet released; a drain waits for none to be left. */
  private held = 0;
  private readonly whenNoneHeld: (() => void)[] = [];
  /** Store writes under way (releases, finishes, images), so a drain or stop can wait for them. */
  private readonly writes = new Set<Promise<unknown>>();
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

  /** Fails the jobs no instance runs any more (on disk: all unfinished ones) and deletes the expired. */
  static async open(options: JobManagerOptions): Promise<JobManager> {
    const manager = new JobManager(options);
    manager.interrupted = await options.store.jobs.failAbandoned();
    await manager.cleanup();
    return manager;
  }

  private isoNow(): string {
    return new Date(this.now()).toISOString();
  }

  private get store(): RelayStore {
    return this.options.store;
  }

  private track<T>(write: Promise<T>): Promise<T> {
    this.writes.add(write);
    void write.catch(() => undefined).finally(() => this.writes.delete(write));
    return write;
  }

  /**
   * Runs a write of something finished, retrying it while it fails: a finished job may hold a paid
   * image, which a store that is full or away for a moment must not lose.
   */
  private retried<T>(write: () => Promise<T>): Promise<T> {
    let result!: T;
    const once = async () => {
      result = await write();
    };
    return withRetries(once, this.options.writeRetryDelaysMs ?? WRITE_RETRY_DELAYS_MS, (ms) => delay(ms, undefined, { signal: this.endWaits.signal })).then(() => result);
  }

  /** Counts the store's place as this instance's until it is released, for the drain. */
  private admission(place: Place): Admission {
    this.held++;
    let released = false;
    const release = (usage?: UsageRecord) => {
      if (released) return;
      released = true;
      const { client } = place;
      const freed = place.release(usage).catch((error: Error) => {
        this.options.log?.({ time: this.isoNow(), level: 'error', message: `Could not write a provider call of ${client} to the usage ledger (${error.message}); usage reports and the monthly budget miss it.` });
      });
      void this.track(freed);
      if (--this.held === 0) this.whenNoneHeld.splice(0).forEach((wake) => wake());
    };
    // The call goes into the ledger with its place's release, in one step (see Place.release). A
    // stopped manager writes nothing more, as if its process had ended.
    const ended = (call: CallUsage) => release(this.stopped ? undefined : { at: this.isoNow(), client: place.client, ...call });
    return { client: place.client, idempotencyKey: place.idempotencyKey, start: () => void this.track(place.start()), release: () => release(), ended };
  }

  /** A place for the client (refused over its limits, or by everyone while the relay drains), or undefined while another submit holds the key. */
  private async take(client: string, idempotencyKey?: string): Promise<Admission | undefined> {
    if (this.draining) throw restarting();
    const limits = this.options.clientLimits && { ...this.options.clientLimits, monthlyImages: effectiveCap(await this.store.budgets.get(client), this.options.monthlyImagesPerToken) };
    const taken = await this.store.places.take({ client, idempotencyKey, limits });
    if (!('place' in taken)) return undefined;
    if (!this.draining) return this.admission(taken.place);
    void this.track(taken.place.release());
    throw restarting();
  }

  /** A place for a synchronous request (429 over the client's limits, 503 while the relay drains). */
  async admit(client: string): Promise<Admission> {
    // Without a key there is nothing to wait for: a place, or a refusal thrown.
    return (await this.take(client))!;
  }

  /**
   * For a job submit: the job this client already started with this Idempotency-Key, or else a
   * place to start one, with the key reserved for it. A submit with a key whose first submit is
   * still coming in (on any instance) waits for that one rather than reading its own body; it takes
   * the key only if that one fails.
   */
  async admitJob(client: string, idempotencyKey?: string): Promise<{ job: JobRecord } | { admission: Admission }> {
    if (idempotencyKey === undefined) return { admission: await this.admit(client) };
    for (;;) {
      const change = nextChange([this.store.events], { client, idempotencyKey }, KEY_RECHECK_MS);
      try {
        const existing = await this.store.jobs.byKey(client, idempotencyKey);
        const kept = existing && this.running.get(existing.id)?.kept;
        // Judged by its stored record, as a submit on another instance would judge it.
        if (kept) await kept;
        const shown = existing && (kept ? await this.get(client, existing.id) : existing);
        if (shown) return { job: shown };
        const admission = await this.take(client, idempotencyKey);
        if (admission) return { admission };
        await change.done;
      } finally {
        change.cancel();
      }
    }
  }

  /** The synchronous path: one provider call for the client, answered in place, nothing kept. */
  async generateNow(admission: Admission, request: ImageRequest, signal: AbortSignal): Promise<ProviderImage> {
    const started = performance.now();
    let image: ProviderImage | undefined;
    try {
      admission.start();
      return (image = await requestImage(this.options.upstream, request, signal));
    } finally {
      const outcome = image ? 'succeeded' : signal.aborted ? 'cancelled' : 'failed';
      admission.ended(callUsage(request, outcome, Math.round(performance.now() - started), image ? decodedBytes(image) : 0));
    }
  }

  /**
   * Starts a job with the admission's place (and Idempotency-Key). Its record is written first and
   * only then is the provider called: an image the relay could not keep is never paid for, and
   * the job's id survives a restart.
   */
  async submit(admission: Admission, request: ImageRequest): Promise<JobRecord> {
    const { client, idempotencyKey } = admission;
    const id = `job_${randomBytes(12).toString('base64url')}`;
    let created: { created: boolean; job: JobRecord };
    try {
      created = await this.store.jobs.create({ id, client, kind: request.kind, createdAt: this.isoNow(), idempotencyKey });
    } catch (error) {
      admission.release();
      throw error instanceof StoreUnavailableError ? error : notSaved();
    }
    if (!created.created) {
      // Another instance's submit with the key made its job first: that one is the answer.
      admission.release();
      return created.job;
    }
    const running: Running = { client, controller: new AbortController() };
    this.running.set(id, running);
    const started = await this.store.jobs.start(id).catch((error: unknown) => {
      void this.track(this.retried(() => this.store.jobs.finish(id, { status: 'failed', error: errorOf(error), finishedAt: this.isoNow() })));
      return false;
    });
    if (!started) {
      this.running.delete(id);
      admission.release();
      return (await this.get(client, id)) ?? created.job;
    }
    const record: JobRecord = { ...created.job, status: 'running' };
    void this.run(record, running, request, admission);
    return record;
  }

  private async run(record: JobRecord, running: Running, request: ImageRequest, admission: Admission): Promise<void> {
    const { id } = record;
    const started = performance.now();
    let status: JobStatus = 'running';
    let bytesOut: number | undefined;
    let ended = false;
    /** Once the client can see how the job ended: its place is free for another, and the job is logged. */
    const end = () => {
      if (ended) return;
      ended = true;
      const upstreamMs = Math.round(performance.now() - started);
      admission.ended(callUsage(request, jobUsageOutcome(status), upstreamMs, bytesOut ?? 0));
      this.options.log?.({ time: new Date().toISOString(), client: record.client, job: id, kind: record.kind, status, upstreamMs, bytesOut });
    };
    // A cancel written through another instance aborts the provider call here.
    const unsubscribe = this.store.events.subscribe({ job: id }, () => void this.abortIfEnded(id, running));
    try {
      admission.start();
      const answer = await callProvider(this.options.upstream, request, running.controller.signal);
      await this.answerReads(async () => {
        const png = Buffer.from((await imageAnswer(answer)).base64.toString('latin1'), 'base64');
        const size = readPngSize(png);
        if (!size) throw new RelayHttpError(502, 'provider_bad_answer', 'The image provider answered without a PNG image. Generate again in a minute.');
        if (running.controller.signal.aborted || this.stopped) return;
        const outcome: JobOutcome = { status: 'succeeded', image: { ...size, bytes: png.length }, finishedAt: this.isoNow() };
        // The job succeeds now for requests reaching this instance, its PNG served from memory; the store says so once the PNG is stored.
        running.png = png;
        running.succeeded = { ...record, ...outcome };
        this.localEvents.emit({ job: id });
        status = 'succeeded';
        bytesOut = png.length;
        end();
        // Holding its place until then keeps the PNGs in memory at once few.
        running.kept = this.keep(id, outcome, running, png).catch(() => undefined);
        await running.kept;
      });
    } catch (error) {
      if (!running.controller.signal.aborted && !this.stopped && !running.succeeded) {
        const outcome: JobOutcome = { status: 'failed', error: errorOf(error), finishedAt: this.isoNow() };
        const won = await this.track(this.retried(() => this.store.jobs.finish(id, outcome))).catch(() => undefined);
        status = won ? 'failed' : status;
      }
    } finally {
      if (running.cancelled) status = 'cancelled';
      unsubscribe();
      end();
      if (!running.png) this.running.delete(id);
    }
  }

  /** Stores a paid PNG, then the job as succeeded, each retried while it fails; the PNG stays in memory until both landed. */
  private keep(id: string, outcome: JobOutcome, running: Running, png: Buffer): Promise<void> {
    const stored = this.retried(() => this.store.images.save(id, png))
      .then(() => this.retried(() => this.store.jobs.finish(id, outcome)))
      .then(
        () => {
          // Won, or cancelled through another instance while the PNG was being stored: either way the store now tells.
          this.running.delete(id);
          running.png = undefined;
        },
        (error: Error) => {
          // Paid for and already shown as succeeded: it stays so, served from memory until the relay stops.
          this.options.log?.({
            time: new Date().toISOString(),
            level: 'error',
            job: id,
            message: `Could not store the image of ${id} (${error.message}); it is served from memory until the relay stops. Free space in RELAY_DATA_DIR, or check the database.`,
          });
          throw error;
        },
      );
    return this.track(stored);
  }

  /** A job ended through another instance (cancelled, or failed as abandoned): its provider call here stops. */
  private async abortIfEnded(id: string, running: Running): Promise<void> {
    if (running.succeeded || running.controller.signal.aborted) return;
    const record = await this.store.jobs.get(running.client, id).catch(() => undefined);
    if (record && isFinished(record) && !running.succeeded) {
      running.cancelled = record.status === 'cancelled';
      running.controller.abort();
    }
  }

  /** The job as its client sees it: how this instance's own run ended while the store has yet to say it, else the store's. */
  async get(client: string, id: string): Promise<JobRecord | undefined> {
    const running = this.running.get(id);
    if (!running?.succeeded || running.client !== client) return this.store.jobs.get(client, id);
    return isExpired(running.succeeded, this.options.ttlMs ?? DEFAULT_JOB_TTL_HOURS * 3600_000, this.now()) ? undefined : { ...running.succeeded };
  }

  /** The job once it has ended, or as it is after `waitMs` (or when `signal` aborts). */
  async wait(client: string, id: string, waitMs: number, signal?: AbortSignal): Promise<JobRecord | undefined> {
    const deadline = performance.now() + waitMs;
    for (;;) {
      const left = deadline - performance.now();
      const change = nextChange([this.store.events, this.localEvents], { job: id }, left, signal);
      try {
        const record = await this.get(client, id);
        if (!record || isFinished(record) || left <= 0 || signal?.aborted) return record;
        await change.done;
      } finally {
        change.cancel();
      }
    }
  }

  /** Cancels an unfinished job, aborting its provider call wherever it runs; a finished job is left as it is. */
  async cancel(client: string, id: string): Promise<JobRecord | undefined> {
    const running = this.running.get(id);
    if (running?.client === client) {
      if (running.succeeded) return { ...running.succeeded };
      // Aborted before the store hears of it, so its answer cannot succeed meanwhile.
      running.cancelled = true;
      running.controller.abort();
    }
    const record = await this.store.jobs.get(client, id);
    if (!record || isFinished(record)) return record;
    return (await this.store.jobs.finish(id, { status: 'cancelled', finishedAt: this.isoNow() })) ?? (await this.get(client, id));
  }

  /** A succeeded job's PNG (an unfinished job is waited for a few seconds): from memory while this instance stores it, else opened from the store; and its length. */
  async image(client: string, id: string, signal?: AbortSignal): Promise<{ bytes: number; png: Buffer } | { bytes: number; body: ReadableStream<Uint8Array> } | undefined> {
    const record = await this.wait(client, id, IMAGE_WAIT_MS, signal);
    if (record?.status !== 'succeeded') return undefined;
    const png = this.running.get(id)?.png;
    if (png) return { bytes: png.length, png };
    return this.store.images.open(id);
  }

  /** Deletes the jobs whose TTL has passed, with their images; returns how many. */
  async cleanup(): Promise<number> {
    // The writes under way land first, so a job that has just ended is judged by its stored record.
    await Promise.all([...this.writes].map((write) => write.catch(() => undefined)));
    return this.store.jobs.deleteExpired();
  }

  /** Fails the unfinished jobs whose instance is gone; returns how many. */
  sweep(): Promise<number> {
    return this.store.jobs.failAbandoned();
  }

  /** Requests admitted and not yet ended on this instance. */
  get inFlight(): number {
    return this.held;
  }

  /**
   * Takes no new requests (503 to each), and resolves once every request admitted before has ended
   * (its provider call answered, its body refused, its job finished) and every job's latest state,
   * image first, is in the store.
   */
  async drain(): Promise<void> {
    this.draining = true;
    while (this.held > 0) await new Promise<void>((resolve) => this.whenNoneHeld.push(resolve));
    await this.settled();
  }

  /**
   * Ends every provider call and writes nothing more, as if the process ended here: unfinished
   * jobs stay unfinished in the store, and are failed as abandoned later.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.endWaits.abort();
    for (const running of this.running.values()) running.controller.abort();
    await this.settled();
  }

  /** Resolves once every store write under way has landed or given up. */
  async settled(): Promise<void> {
    while (this.writes.size > 0) await Promise.all([...this.writes].map((write) => write.catch(() => undefined)));
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
