import type { ClientLimits } from '../client-limits';
import type { JobRecord } from '../job-record';
import type { TeamRecords } from './team';
import type { UsageRecord } from './usage';

/**
 * Everything the relay keeps, behind one interface with two implementations: the disk
 * (relay/store/disk/, one process owns RELAY_DATA_DIR) and PostgreSQL (relay/store/postgres/, any
 * number of instances share one database). Whatever a client can see comes from here, so an
 * instance answers for jobs another instance runs.
 *
 * Rules for every method below:
 * - All of them are async. A store that cannot reach its backing data (the database is down)
 *   rejects with `StoreUnavailableError` (relay/errors.ts; it answers 503 `store_unavailable` with
 *   Retry-After), never with a driver's error; the caller lets it through to the client. Other
 *   rejections are failures of the store itself (a full disk) and mean the same: nothing was written.
 * - Every time comes from `StoreOptions.now` (expiry, leases, the minute of provider starts), so
 *   tests can move the clock.
 * - "Unfinished" means status `queued` or `running`; "finished" means `succeeded`, `failed` or
 *   `cancelled`, and a finished job never changes again.
 * - A job is "expired" once `finishedAt + ttlMs <= now`: from then on no method returns it (it is
 *   as good as deleted, whether or not `deleteExpired` has removed it yet). Unfinished jobs never expire.
 */
export interface RelayStore extends TeamRecords {
  readonly jobs: JobRecords;
  readonly images: JobImages;
  readonly events: JobEvents;
  readonly places: ClientPlaces;
  readonly tokens: TokenRecords;
  /**
   * Lets go of the backing data as a stopping instance does: pending token usage is written, timers
   * (lease renewal) stop, connections close. Unfinished jobs stay unfinished; their leases run out
   * (PostgreSQL) or the next open of the directory fails them (disk). Nothing is called after close.
   */
  close(): Promise<void>;
}

/**
 * The tokens alone, for the `token` command: opening it touches no job (a disk relay may be
 * running on the same directory, and its jobs are its own).
 */
export interface TokenStoreHandle extends TeamRecords {
  readonly tokens: TokenRecords;
  close(): Promise<void>;
}

/**
 * What opens a store: relay/store/open-store.ts (`openStore`, `openTokenStore`) picks the
 * implementation from it. A store that cannot open (a wrong DATABASE_URL, a database down, a data
 * directory it cannot write) rejects with a `StoreOpenError` whose message says what to fix.
 */
export interface StoreOptions {
  /** RELAY_DATA_DIR: the disk store keeps everything here; with a database only `local-token` lives here. */
  dataDir: string;
  /** DATABASE_URL: set, the store is PostgreSQL's; unset, the disk's. */
  databaseUrl?: string;
  /** How long a finished job and its image are kept. */
  ttlMs: number;
  now?: () => number;
}

/**
 * How a job ended, as `JobRecords.finish` writes it. `finishedAt` is given by the caller and
 * written as given: the instance running a job shows it succeeded (from memory) before the store
 * has it, and the store must then say the same.
 */
export type JobOutcome = { finishedAt: string } & (
  | { status: 'succeeded'; image: NonNullable<JobRecord['image']> }
  | { status: 'failed'; error: NonNullable<JobRecord['error']> }
  | { status: 'cancelled' }
);

/** A new job as `JobRecords.create` takes it: queued, not finished. */
export type NewJob = Pick<JobRecord, 'id' | 'client' | 'kind' | 'createdAt' | 'idempotencyKey'>;

export interface JobRecords {
  /**
   * Writes a new queued job, owned by this handle (PostgreSQL: this instance, with a lease it renews
   * while the job is unfinished). Atomic with the Idempotency-Key check: when `job.idempotencyKey` is
   * set and this client has an unexpired job with that key, nothing is written and that job is
   * returned with `created: false` (an expired job with the key does not count; it may be deleted
   * here). Two creates with one key, on any handles, at once: exactly one gets `created: true`.
   * When created with a key, fires the key's event (see `JobEvents`). Resolves only once the
   * record is durable: the relay calls the provider only after that.
   */
  create(job: NewJob): Promise<{ created: boolean; job: JobRecord }>;

  /** The unexpired job with this id if it belongs to `client`; undefined otherwise (another client's job is not found). */
  get(client: string, id: string): Promise<JobRecord | undefined>;

  /** The unexpired job this client created with this Idempotency-Key, if any. */
  byKey(client: string, idempotencyKey: string): Promise<JobRecord | undefined>;

  /**
   * queued → running, when its provider call starts. Resolves true when this write moved it; false
   * when the job is not queued (cancelled meanwhile, or gone): then the caller must not call the
   * provider. Fires the job's event. The disk store may keep `running` in memory only (a restart
   * fails every unfinished job anyway).
   */
  start(id: string): Promise<boolean>;

  /**
   * The conditional end of a job: writes `outcome` only if the stored job is
   * still unfinished, atomically (PostgreSQL: `UPDATE … WHERE status IN ('queued','running')`), so
   * a cancel through one handle and a success through another never both land. Resolves the
   * finished record when this write won, undefined when the job was already finished or is gone
   * (the caller re-reads it with `get` to see how it ended). Fires the job's event when it won.
   * A `succeeded` outcome is written only after `images.save` for the job resolved (the caller's
   * duty; so no handle ever sees `succeeded` without its image). On rejection nothing was written
   * and the job is still unfinished: the caller may try again.
   */
  finish(id: string, outcome: JobOutcome): Promise<JobRecord | undefined>;

  /**
   * Fails every unfinished job whose instance is gone, with `interruptedJobError()`
   * (relay/errors.ts) and the store's `now` as `finishedAt`, and fires each one's event; resolves how many. Disk: every unfinished job
   * not created through this handle (one process owns the directory, so at open they are all left
   * over from the last run). PostgreSQL: those whose lease has run out (`lease_until < now`). The
   * relay calls it at start and then every 10 s; calling it again is harmless.
   */
  failAbandoned(): Promise<number>;

  /**
   * Deletes the expired jobs and their images and fires each one's event; resolves how many. One
   * instance at a time (PostgreSQL: `pg_try_advisory_lock`; when another instance holds it, this
   * call deletes nothing and resolves 0). An image already opened with `images.open` is still read whole.
   */
  deleteExpired(): Promise<number>;
}

export interface JobImages {
  /**
   * Stores a job's PNG, replacing any earlier one for the id; atomic: `open` sees either no image
   * or all of it. PostgreSQL: `bytea` in pieces of about 1 MiB, sent as binary, never base64.
   */
  save(id: string, png: Uint8Array): Promise<void>;

  /**
   * Opens a job's PNG for a download, before the answer starts; undefined when it has none. Once
   * opened, the stream yields the whole image, in pieces (an 8 MB image is never held whole per
   * download), even if the job is deleted meanwhile, or errors: it never ends early as if complete.
   * Cancelling the stream frees what it holds (file, connection).
   */
  open(id: string): Promise<{ bytes: number; body: ReadableStream<Uint8Array> } | undefined>;
}

/** What a change is about: a job (started, finished, deleted), or a client's Idempotency-Key. */
export type EventSubject = { job: string } | { client: string; idempotencyKey: string };

/**
 * "Something changed" signals, seen by every handle on the same data (disk: within the process;
 * PostgreSQL: NOTIFY on one channel, one LISTEN connection per instance). An event carries no
 * state: a listener re-reads what it cares about. So a listener must tolerate events that changed
 * nothing, and a store that may have missed some (its LISTEN connection reconnected) calls every
 * listener once it is back. A waiter subscribes first, then reads, then waits for an event or its
 * timeout, then reads again: a lost event delays an answer to the timeout, never loses it.
 *
 * A job's event fires after `start`, a winning `finish`, and `failAbandoned` or `deleteExpired`
 * touching it. A key's event fires after `create` wrote a job with that key and after a place
 * that reserved the key was released.
 */
export interface JobEvents {
  /**
   * Calls `listener` after each change to `subject` made through any handle, until the returned
   * function is called. Synchronous, so a subscription is in place before the caller's next read;
   * a listener never throws into the store and is called asynchronously (never inside subscribe).
   */
  subscribe(subject: EventSubject, listener: () => void): () => void;
}

/**
 * A client's place among the provider calls it may have in flight, over all instances: taken before
 * its request's body is read (a refused client uploads nothing), started when its provider call
 * starts, released once when the call ends or the request turned out unusable.
 */
export interface Place {
  readonly client: string;
  /** The Idempotency-Key this place reserves, if it was taken with one. */
  readonly idempotencyKey?: string;
  /**
   * Its provider call starts now: from now it counts among the client's starts of the last minute
   * (which outlive the place). Once; later calls, and calls after release, do nothing. Never
   * rejects: a store that cannot write it retries or gives the count up.
   */
  start(): Promise<void>;
  /**
   * Frees the place and its key reservation (firing the key's event). Once; later calls do nothing.
   * With `usage` (its provider call ended), writes that call to the usage ledger in the same atomic
   * step, so no take on any handle counts the call neither in flight nor among the month's images
   * (a monthly budget cannot be passed in between), and a take on this handle that follows waits
   * for it. Rejects only when that record could not be written. A place the store could not free
   * frees itself when its lease runs out (PostgreSQL: renewed with the jobs' lease, so a dead
   * instance's places go within 60 s).
   */
  release(usage?: UsageRecord): Promise<void>;
}

export interface PlaceRequest {
  client: string;
  /** Reserves this key among the client's live places (unique per client + key), for a keyed job submit. */
  idempotencyKey?: string;
  /** The client's limits; none: no limit (tests, and callers that guard it themselves). */
  limits?: ClientLimits;
}

export interface ClientPlaces {
  /**
   * In one atomic step over all handles (PostgreSQL: one transaction under
   * `pg_advisory_xact_lock` on the client): when `idempotencyKey` is set and a live place of this
   * client already reserves it, takes nothing and resolves `{ keyHeld: true }` (the caller waits
   * for the key's event, or polls, then looks for the job with `JobRecords.byKey` and tries again);
   * else counts the client's live places (`inFlight`), those of them not started (`starting`) and
   * its starts of the last 60 s, asks `admissionRefusal` (relay/client-limits.ts: the one pure
   * decision both stores use) and rejects with its RelayHttpError (429) when it refuses; else takes
   * a place and resolves it.
   */
  take(request: PlaceRequest): Promise<{ place: Place } | { keyHeld: true }>;
}

/** A token as the store keeps it: its SHA-256 only, never the token. */
export interface StoredToken {
  name: string;
  /** Lowercase hex SHA-256 of the token's UTF-8 text. */
  sha256: string;
  createdAt: string;
}

/** What `token list` shows: never a token, never a hash. */
export interface TokenSummary {
  name: string;
  createdAt: string;
  requests: number;
  lastUsedAt?: string;
}

/**
 * The relay's access tokens and their use. Looked up on every request, so a token added or removed
 * through any handle (the `token` command, another instance) counts on every handle at its next call.
 * Names are checked by relay/tokens.ts before they get here.
 */
export interface TokenRecords {
  /** Adds a token; rejects with `TokenError` (relay/errors.ts: `tokenNameTaken`) when one with this name exists, atomically. */
  add(token: StoredToken): Promise<void>;
  /** Removes the token named so; resolves false when there was none. From the next call on, no handle finds it. */
  remove(name: string): Promise<boolean>;
  /** Every token, oldest first, with its use. */
  list(): Promise<TokenSummary[]>;
  hasAny(): Promise<boolean>;
  /** The name of the token with this hash, or undefined; not counted as a use. */
  nameOf(sha256: string): Promise<string | undefined>;
  /**
   * The name of the token with this hash, or undefined; counted as a use (requests + 1, last used
   * now). `list` through this handle shows the count at once; it may reach the backing data after
   * this resolves (the disk batches it), and `close` writes what is pending. A failure to count
   * never fails the request.
   */
  use(sha256: string): Promise<string | undefined>;
}
