import { WINDOW_MS } from '../../client-limits';
import { interruptedJobError } from '../../errors';
import type { JobRecord } from '../../job-record';
import type { JobOutcome, JobRecords, NewJob } from '../store';
import { LOCK } from './advisory-locks';
import { at, type PostgresContext } from './context';
import { JOB_COLUMNS, jobRecord, type JobRow } from './job-rows';
import { LEASE_MS, ORPHANED_IMAGE_MS } from './leases';
import { NOTIFY_JOB, NOTIFY_KEY } from './notify-channel';
import { freePlaces } from './postgres-places';

const UNFINISHED = "status IN ('queued', 'running')";
/** A finished job is visible until its time to live has passed ($n is the cut-off: now - ttl). */
const unexpired = (n: number) => `(finished_at IS NULL OR finished_at > $${n})`;

const INSERT_JOB = `INSERT INTO jobs (id, client, kind, status, created_at, idempotency_key, owner, lease_until)
  VALUES ($1, $2, $3, 'queued', $4, $5, $6, $7) RETURNING ${JOB_COLUMNS}`;
const BY_KEY = `SELECT ${JOB_COLUMNS} FROM jobs WHERE client = $1 AND idempotency_key = $2 AND ${unexpired(3)}`;

export class PostgresJobs implements JobRecords {
  constructor(private readonly context: PostgresContext) {}

  private cutoff(): Date {
    return at(this.context, -this.context.ttlMs);
  }

  async create(job: NewJob): Promise<{ created: boolean; job: JobRecord }> {
    const { db } = this.context;
    const values = [job.id, job.client, job.kind, job.createdAt, job.idempotencyKey ?? null, this.context.instance, at(this.context, LEASE_MS)];
    const key = job.idempotencyKey;
    if (key === undefined) return { created: true, job: jobRecord((await db.query<JobRow>(INSERT_JOB, values)).rows[0]) };
    return db.transaction(async (client) => {
      // One create per client and key at a time, on any instance: the second finds the first's job.
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK.jobKey, `${job.client}\n${key}`]);
      const existing = await client.query<JobRow>(BY_KEY, [job.client, key, this.cutoff()]);
      if (existing.rows[0]) return { created: false, job: jobRecord(existing.rows[0]) };
      // An expired job with this key is as good as gone: it gives the key up (deleteExpired removes it).
      await client.query('UPDATE jobs SET idempotency_key = NULL WHERE client = $1 AND idempotency_key = $2', [job.client, key]);
      const { rows } = await client.query<JobRow>(INSERT_JOB, values);
      await client.query(`SELECT ${NOTIFY_KEY} FROM jobs WHERE id = $1`, [job.id]);
      return { created: true, job: jobRecord(rows[0]) };
    });
  }

  async get(client: string, id: string): Promise<JobRecord | undefined> {
    const { rows } = await this.context.db.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = $1 AND client = $2 AND ${unexpired(3)}`, [
      id,
      client,
      this.cutoff(),
    ]);
    return rows[0] && jobRecord(rows[0]);
  }

  async byKey(client: string, idempotencyKey: string): Promise<JobRecord | undefined> {
    const { rows } = await this.context.db.query<JobRow>(BY_KEY, [client, idempotencyKey, this.cutoff()]);
    return rows[0] && jobRecord(rows[0]);
  }

  async start(id: string): Promise<boolean> {
    const { rowCount } = await this.context.db.query(
      `WITH moved AS (UPDATE jobs SET status = 'running' WHERE id = $1 AND status = 'queued' RETURNING id) SELECT ${NOTIFY_JOB} FROM moved`,
      [id],
    );
    return rowCount === 1;
  }

  async finish(id: string, outcome: JobOutcome): Promise<JobRecord | undefined> {
    const { rows } = await this.context.db.query<JobRow>(
      `WITH ended AS (
         UPDATE jobs SET status = $2, finished_at = $3, error = $4, image = $5 WHERE id = $1 AND ${UNFINISHED} RETURNING ${JOB_COLUMNS}
       ) SELECT ${JOB_COLUMNS}, ${NOTIFY_JOB} FROM ended`,
      [
        id,
        outcome.status,
        outcome.finishedAt,
        outcome.status === 'failed' ? JSON.stringify(outcome.error) : null,
        outcome.status === 'succeeded' ? JSON.stringify(outcome.image) : null,
      ],
    );
    return rows[0] && jobRecord(rows[0]);
  }

  async failAbandoned(): Promise<number> {
    const now = at(this.context);
    const { rowCount } = await this.context.db.query(
      `WITH failed AS (UPDATE jobs SET status = 'failed', finished_at = $1, error = $2 WHERE ${UNFINISHED} AND lease_until < $1 RETURNING id)
       SELECT ${NOTIFY_JOB} FROM failed`,
      [now, JSON.stringify(interruptedJobError())],
    );
    // A dead instance's places free themselves too, and wake whoever waits on their keys.
    await this.context.db.query(freePlaces('lease_until < $1'), [now]);
    return rowCount ?? 0;
  }

  async deleteExpired(): Promise<number> {
    return this.context.db.transaction(async (client) => {
      const { rows } = await client.query<{ free: boolean }>('SELECT pg_try_advisory_xact_lock($1, 0) AS free', [LOCK.cleanup]);
      if (!rows[0].free) return 0;
      const now = at(this.context);
      const deleted = await client.query(
        `WITH gone AS (DELETE FROM jobs WHERE finished_at <= $1 RETURNING id),
              orphaned AS (UPDATE images SET orphaned_at = $2 WHERE job_id IN (SELECT id FROM gone) AND orphaned_at IS NULL)
         SELECT ${NOTIFY_JOB} FROM gone`,
        [this.cutoff(), now],
      );
      await client.query('DELETE FROM images WHERE orphaned_at < $1', [at(this.context, -ORPHANED_IMAGE_MS)]);
      // The starts of clients that took no place since: past the minute, they count for nothing.
      await client.query('DELETE FROM provider_starts WHERE started_at <= $1', [at(this.context, -WINDOW_MS)]);
      return deleted.rowCount ?? 0;
    });
  }
}
