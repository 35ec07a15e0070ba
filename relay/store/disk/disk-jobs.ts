import { interruptedJobError } from '../../errors';
import { isExpired, isFinished, type JobRecord } from '../../job-record';
import type { LocalEvents } from '../local-events';
import type { JobOutcome, JobRecords, NewJob } from '../store';
import type { JobFiles } from './job-files';

function keyOf(client: string, idempotencyKey: string): string {
  return JSON.stringify([client, idempotencyKey]);
}

/**
 * The jobs of one data directory, which one process owns: all of them are held in memory (as
 * read at open) and every change that must survive a restart is written to its file first. Copies
 * go in and out, so no caller can change a record behind the store's back.
 */
export class DiskJobs implements JobRecords {
  private readonly records = new Map<string, JobRecord>();
  /** The newest job of each client's Idempotency-Key. */
  private readonly keys = new Map<string, string>();
  /** Creates with a key whose record is being written: another create with the key waits for it. */
  private readonly creating = new Map<string, Promise<void>>();
  /** Jobs created through this handle since open; the others were left unfinished by an earlier run. */
  private readonly own = new Set<string>();
  /** Each job's finishes, one after another, so the first to land is the only one. */
  private readonly finishing = new Map<string, Promise<unknown>>();

  constructor(
    private readonly files: JobFiles,
    private readonly events: LocalEvents,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** Reads every job kept in the directory (and clears what interrupted writes left). */
  async load(): Promise<void> {
    for (const record of await this.files.loadAll()) {
      this.records.set(record.id, record);
      if (record.idempotencyKey === undefined) continue;
      const key = keyOf(record.client, record.idempotencyKey);
      const newest = this.records.get(this.keys.get(key) ?? '');
      if (!newest || newest.createdAt <= record.createdAt) this.keys.set(key, record.id);
    }
  }

  private expired(record: JobRecord): boolean {
    return isExpired(record, this.ttlMs, this.now());
  }

  private live(id: string): JobRecord | undefined {
    const record = this.records.get(id);
    return record && !this.expired(record) ? record : undefined;
  }

  async create(job: NewJob): Promise<{ created: boolean; job: JobRecord }> {
    const key = job.idempotencyKey === undefined ? undefined : keyOf(job.client, job.idempotencyKey);
    if (key !== undefined) {
      for (let pending = this.creating.get(key); pending; pending = this.creating.get(key)) await pending.catch(() => undefined);
      const existing = this.live(this.keys.get(key) ?? '');
      if (existing) return { created: false, job: { ...existing } };
    }
    const record: JobRecord = { ...job, status: 'queued' };
    if (record.idempotencyKey === undefined) delete record.idempotencyKey;
    const write = this.files.save(record);
    if (key !== undefined) this.creating.set(key, write);
    try {
      await write;
    } finally {
      if (key !== undefined && this.creating.get(key) === write) this.creating.delete(key);
    }
    this.records.set(record.id, record);
    this.own.add(record.id);
    if (key !== undefined && job.idempotencyKey !== undefined) {
      this.keys.set(key, record.id);
      this.events.emit({ client: job.client, idempotencyKey: job.idempotencyKey });
    }
    return { created: true, job: { ...record } };
  }

  async get(client: string, id: string): Promise<JobRecord | undefined> {
    const record = this.live(id);
    return record?.client === client ? { ...record } : undefined;
  }

  async byKey(client: string, idempotencyKey: string): Promise<JobRecord | undefined> {
    const record = this.live(this.keys.get(keyOf(client, idempotencyKey)) ?? '');
    return record ? { ...record } : undefined;
  }

  /** Kept in memory only: a restart fails every unfinished job, queued or running alike. */
  async start(id: string): Promise<boolean> {
    const record = this.records.get(id);
    if (record?.status !== 'queued') return false;
    this.records.set(id, { ...record, status: 'running' });
    this.events.emit({ job: id });
    return true;
  }

  finish(id: string, outcome: JobOutcome): Promise<JobRecord | undefined> {
    const turn = (this.finishing.get(id) ?? Promise.resolve()).catch(() => undefined).then(() => this.finishNow(id, outcome));
    this.finishing.set(id, turn);
    void turn.finally(() => this.finishing.get(id) === turn && this.finishing.delete(id)).catch(() => undefined);
    return turn;
  }

  private async finishNow(id: string, outcome: JobOutcome): Promise<JobRecord | undefined> {
    const before = this.records.get(id);
    if (!before || isFinished(before)) return undefined;
    const finished: JobRecord = { ...before, ...outcome };
    await this.files.save(finished);
    this.records.set(id, finished);
    this.events.emit({ job: id });
    return { ...finished };
  }

  async failAbandoned(): Promise<number> {
    const abandoned = [...this.records.values()].filter((record) => !isFinished(record) && !this.own.has(record.id));
    for (const { id } of abandoned) {
      const outcome: JobOutcome = { status: 'failed', error: interruptedJobError(), finishedAt: new Date(this.now()).toISOString() };
      await this.finish(id, outcome).catch(() => {
        // Its file still says unfinished, so the next start fails it again; this run already tells its client.
        const record = this.records.get(id);
        if (record) this.records.set(id, { ...record, ...outcome });
        this.events.emit({ job: id });
      });
    }
    return abandoned.length;
  }

  async deleteExpired(): Promise<number> {
    const expired = [...this.records.values()].filter((record) => this.expired(record));
    for (const record of expired) {
      this.records.delete(record.id);
      const key = record.idempotencyKey === undefined ? undefined : keyOf(record.client, record.idempotencyKey);
      // After expiry the same key may already name a newer job.
      if (key !== undefined && this.keys.get(key) === record.id) this.keys.delete(key);
      this.events.emit({ job: record.id });
    }
    await Promise.all(expired.map((record) => this.files.remove(record.id)));
    return expired.length;
  }
}
