import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobRecord } from '../relay/job-record';
import { JobFiles } from '../relay/store/disk/job-files';
import { summarize } from './percentiles';
import { ms, type Measured } from './report';
import { JOB_PATH_TARGET_MS, REAL_PROVIDER_MS } from './relay-overhead';

const WRITES = 200;
const AT_ONCE = 64;

/** A new job's record as the relay writes it, before anything of it is known but the request. */
function newRecord(): JobRecord {
  return {
    id: `job_${randomBytes(12).toString('base64url')}`,
    client: 'bench',
    kind: 'edit',
    status: 'queued',
    createdAt: new Date().toISOString(),
    idempotencyKey: randomBytes(16).toString('hex'),
  };
}

async function timedWrite(store: JobFiles): Promise<number> {
  const begin = performance.now();
  await store.save(newRecord());
  return performance.now() - begin;
}

/**
 * What writing a job's record before its provider call costs: the relay's own JobFiles writing
 * new records into a folder on the filesystem the bench relays keep their data on, one after
 * another and 64 at once. Every job submit now waits this long before the provider is called.
 */
export async function recordWrite(): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'reimage-bench-records-'));
  try {
    const store = new JobFiles(dir);
    await store.loadAll();
    for (let i = 0; i < 10; i++) await timedWrite(store); // warm up the file system's caches
    const oneByOne: number[] = [];
    for (let i = 0; i < WRITES; i++) oneByOne.push(await timedWrite(store));
    const together: number[] = [];
    for (let round = 0; round < Math.ceil(WRITES / AT_ONCE); round++) together.push(...(await Promise.all(Array.from({ length: AT_ONCE }, () => timedWrite(store)))));
    const rows = [
      [1, oneByOne],
      [AT_ONCE, together],
    ].map(([atOnce, durations]) => {
      const summary = summarize(durations as number[]);
      return [
        String(atOnce),
        String(summary.count),
        ms(summary.p50),
        ms(summary.p95),
        `${((summary.p95 / JOB_PATH_TARGET_MS) * 100).toFixed(1)}%`,
        `${((summary.p95 / REAL_PROVIDER_MS) * 100).toFixed(4)}%`,
      ];
    });
    return {
      method:
        "A job's record is written before its provider call starts, so that a disk that cannot keep the image answers 507 before anything is paid for. " +
        `This is what that costs each job submit: the relay's JobFiles writing a new record (a temporary file renamed over the job's name) in ${tmpdir()}, ` +
        `where the bench relays keep their data, ${WRITES} times one after another and ${AT_ONCE} at once (as when a team submits together). ` +
        `The job path's added time above includes it; its budget is ${JOB_PATH_TARGET_MS} ms, 0.1% of a ${REAL_PROVIDER_MS / 1000} s provider call.`,
      columns: ['writes at once', 'writes', 'p50', 'p95', "share of the job path's budget (p95)", 'share of a 60 s provider call (p95)'],
      rows,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
