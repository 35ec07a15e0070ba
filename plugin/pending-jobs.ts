import type { PendingJob, Settings } from '../shared/protocol';
import type { StoredValues } from './storage-queue';

/**
 * The jobs in the making and the ones placed, under one key, so that placing a result (moving its
 * job from one list to the other) is one write: the designer waits for it before the panel says
 * "Placed", and no close between two writes can leave a job both placed and still to resume.
 */
const JOBS_KEY = 'jobs';
/** Where earlier versions kept the two lists: moved under JOBS_KEY when the plugin opens. */
const LEGACY_PENDING_KEY = 'pending-jobs';
const LEGACY_PLACED_KEY = 'placed-jobs';
/** How many placed job ids to remember, so a result delivered twice is placed once. */
const PLACED_MEMORY = 100;
/**
 * How long the relay keeps a result: its default JOB_TTL_HOURS from the job's end, and a job ends
 * within the provider timeout of its start. A job of another file older than this is gone there.
 */
const RESULT_KEPT_MS = (24 * 60 + 15) * 60_000;

/** A job as clientStorage keeps it: with the file it was started in, whose layers it refers to. */
interface StoredJob extends PendingJob {
  fileId: string;
}

/** Which node a job's image became, in which file. */
type PlacedJob = [fileId: string, jobId: string, nodeId: string];

interface StoredJobs {
  pending: StoredJob[];
  placed: PlacedJob[];
}

function list<T>(stored: unknown): T[] {
  return Array.isArray(stored) ? (stored as T[]) : [];
}

function jobsOf(stored: unknown): StoredJobs {
  const value = (typeof stored === 'object' && stored !== null ? stored : {}) as Partial<Record<keyof StoredJobs, unknown>>;
  return { pending: list(value.pending), placed: list(value.placed) };
}

/** The scheme and host of a URL, without the URL API (the sandbox has none). */
function originOf(url: string): string | undefined {
  return /^[a-z][a-z\d+.-]*:\/\/[^/?#]+/i.exec(url.trim())?.[0].toLowerCase();
}

/**
 * An earlier version stored a job only once the relay had answered, without a key, a token or a
 * file. It was polled with the token in Settings: that token stays its token only while Settings
 * still point at its relay. The first file opened takes it, as before, but places it beside rather
 * than into a layer: the layer id it names may be another file's.
 */
function upgraded(job: Partial<StoredJob> & PendingJob, fileId: string, settings: Settings): StoredJob {
  const sameRelay = originOf(job.relayUrl) !== undefined && originOf(job.relayUrl) === originOf(settings.relayUrl);
  return {
    ...job,
    idempotencyKey: typeof job.idempotencyKey === 'string' ? job.idempotencyKey : (job.jobId ?? ''),
    accessToken: typeof job.accessToken === 'string' ? job.accessToken : sameRelay ? settings.accessToken : '',
    ...(typeof job.fileId === 'string' ? { fileId: job.fileId } : { fileId, placement: { kind: 'beside' } }),
  };
}

function isExpired(job: StoredJob, now: number): boolean {
  return now - Date.parse(job.submittedAt) > RESULT_KEPT_MS;
}

function withoutFile({ fileId: _fileId, ...job }: StoredJob): PendingJob {
  return job;
}

/**
 * The jobs to resume when the plugin opens in this file, and how many wait in other files (to be
 * resumed when those are opened). Other files' jobs whose results the relay has deleted by now are
 * dropped; this file's are resumed, and the relay's answer tells the designer what became of them.
 * The first open after an update moves the lists an earlier version kept under two keys.
 */
export async function openPendingJobs(store: StoredValues, fileId: string, settings: Settings, now = Date.now()): Promise<{ jobs: PendingJob[]; elsewhere: number }> {
  const jobs = await store.exclusive(async (storage) => {
    let stored = await storage.getAsync(JOBS_KEY);
    const legacy = stored === undefined ? await Promise.all([storage.getAsync(LEGACY_PENDING_KEY), storage.getAsync(LEGACY_PLACED_KEY)]) : [];
    if (legacy.some((value) => value !== undefined)) stored = { pending: legacy[0], placed: legacy[1] };
    const { pending, placed } = jobsOf(stored);
    const kept = pending
      .map((job) => upgraded(job, fileId, settings))
      .filter((job) => job.idempotencyKey !== '' && (job.fileId === fileId || !isExpired(job, now)));
    await storage.setAsync(JOBS_KEY, { pending: kept, placed } satisfies StoredJobs);
    // Only once the lists are under their new key: a failure before leaves them where they were.
    if (legacy.some((value) => value !== undefined)) await Promise.all([LEGACY_PENDING_KEY, LEGACY_PLACED_KEY].map((key) => storage.deleteAsync(key)));
    return kept;
  });
  const own = jobs.filter((job) => job.fileId === fileId);
  return { jobs: own.map(withoutFile), elsewhere: jobs.length - own.length };
}

function updateJobs(store: StoredValues, change: (jobs: StoredJobs) => StoredJobs): Promise<unknown> {
  return store.update(JOBS_KEY, (stored) => change(jobsOf(stored)));
}

function updatePending(store: StoredValues, change: (jobs: StoredJob[]) => StoredJob[]): Promise<unknown> {
  return updateJobs(store, ({ pending, placed }) => ({ pending: change(pending), placed }));
}

/** Keeps a job of this file before anything is sent for it (replacing one with the same key). */
export function recordPendingJob(store: StoredValues, fileId: string, job: PendingJob): Promise<unknown> {
  return updatePending(store, (jobs) => [...jobs.filter((pending) => pending.idempotencyKey !== job.idempotencyKey), { ...job, fileId }]);
}

/** Adds the relay's id to a recorded job, once the relay has answered its submit. */
export function confirmPendingJob(store: StoredValues, idempotencyKey: string, jobId: string): Promise<unknown> {
  return updatePending(store, (jobs) => jobs.map((job) => (job.idempotencyKey === idempotencyKey ? { ...job, jobId } : job)));
}

export function removePendingJob(store: StoredValues, idempotencyKey: string): Promise<unknown> {
  return updatePending(store, (jobs) => jobs.filter((job) => job.idempotencyKey !== idempotencyKey));
}

/**
 * The node of this file a job's image was already placed as, if it was. Entries from before
 * files had ids (pairs) match nothing: their node may be another file's.
 */
export async function placedNodeId(store: StoredValues, fileId: string, jobId: string): Promise<string | undefined> {
  return jobsOf(await store.read(JOBS_KEY)).placed.find(([file, id]) => file === fileId && id === jobId)?.[2];
}

/** Remembers the node a job's image became and stops resuming the job: one write. */
export function markJobPlaced(store: StoredValues, fileId: string, jobId: string, nodeId: string): Promise<unknown> {
  return updateJobs(store, ({ pending, placed }) => ({
    pending: pending.filter((job) => job.jobId !== jobId),
    placed: [[fileId, jobId, nodeId] as PlacedJob, ...placed.filter((entry) => entry.length === 3 && entry[1] !== jobId)].slice(0, PLACED_MEMORY),
  }));
}
