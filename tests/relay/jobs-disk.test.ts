import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRelayApp } from '../../relay/app';
import type { JobRecord } from '../../relay/job-record';
import { JobStore } from '../../relay/job-store';
import { JobManager } from '../../relay/jobs';
import type { Upstream } from '../../relay/upstream';
import { solidPng } from '../fakes/png';

const PNG = solidPng(6, 4);
const answering: Upstream = async () => ({
  status: 200,
  retryAfter: null,
  read: async () => Buffer.from(JSON.stringify({ created: 1, data: [{ b64_json: Buffer.from(PNG).toString('base64') }] })),
});

/** A store whose image writes wait until the test lets them end, well or badly. */
class HeldImageStore extends JobStore {
  private finishWrite!: (error?: Error) => void;

  override saveImage(id: string, png: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.finishWrite = (error) => (error ? reject(error) : resolve(super.saveImage(id, png)));
    });
  }

  endWrite(error?: Error): void {
    this.finishWrite(error);
  }
}

describe("a succeeded job's image while it is written to disk", () => {
  let dir: string;
  let store: HeldImageStore;
  let jobs: JobManager;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reimage-image-write-'));
    store = new HeldImageStore(dir);
    jobs = await JobManager.open({ upstream: answering, store, ttlMs: 3600_000 });
  });

  afterEach(async () => {
    await jobs.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const recordOnDisk = async (id: string) => JSON.parse(await readFile(join(dir, `${id}.json`), 'utf8')) as Record<string, unknown>;

  it('is served from memory at once, and the job is saved as succeeded only once the PNG is on disk', async () => {
    const { id } = await jobs.submit(jobs.admit('alice'), { kind: 'generate', prompt: 'p', size: 'auto' });
    expect((await jobs.wait('alice', id, 5000))?.status).toBe('succeeded');
    expect(jobs.image('alice', id)?.png).toEqual(Buffer.from(PNG));
    expect((await recordOnDisk(id)).status).not.toBe('succeeded');

    store.endWrite();
    await jobs.settled();
    expect(jobs.image('alice', id)?.png).toBeUndefined();
    expect(await readFile(store.imagePath(id))).toEqual(Buffer.from(PNG));
    expect((await recordOnDisk(id)).status).toBe('succeeded');
  });

  it('fails the job, saying to check the disk, when the PNG cannot be written', async () => {
    const { id } = await jobs.submit(jobs.admit('alice'), { kind: 'generate', prompt: 'p', size: 'auto' });
    await jobs.wait('alice', id, 5000);

    store.endWrite(new Error('ENOSPC: no space left on device'));
    await jobs.settled();
    expect(jobs.get('alice', id)).toMatchObject({ status: 'failed', error: { code: 'job_not_saved' } });
    expect(jobs.image('alice', id)).toBeUndefined();
    await expect.poll(() => recordOnDisk(id)).toMatchObject({ status: 'failed', error: { code: 'job_not_saved' } });
  });
});

describe('a job whose record cannot be written', () => {
  it('is refused with job_not_saved, and its provider call, already started, is ended', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reimage-record-write-'));
    const signals: AbortSignal[] = [];
    const waiting: Upstream = (_request, signal) => {
      signals.push(signal);
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    };
    const inFlightSeen: number[] = [];
    class FullDisk extends JobStore {
      override save(): Promise<void> {
        return Promise.reject(new Error('ENOSPC: no space left on device'));
      }
    }
    const jobs = await JobManager.open({ upstream: waiting, store: new FullDisk(dir), ttlMs: 3600_000, admit: (_client, inFlight) => void inFlightSeen.push(inFlight) });
    try {
      const admission = jobs.admit('alice');
      await expect(jobs.submit(admission, { kind: 'generate', prompt: 'p', size: 'auto' })).rejects.toMatchObject({ status: 507, code: 'job_not_saved' });
      expect(signals).toHaveLength(1);
      expect(signals[0].aborted).toBe(true);
      // Its place among alice's provider calls is free again.
      await expect.poll(() => {
        jobs.admit('alice').release();
        return inFlightSeen.at(-1);
      }).toBe(0);
    } finally {
      await jobs.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a job that ends before its submit is answered', () => {
  it('is answered 202 as it is then: succeeded, with its image', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reimage-fast-job-'));
    // The record's first write is slow; the provider answers at once, so the job ends before it.
    class SlowRecords extends JobStore {
      override async save(record: JobRecord): Promise<void> {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return super.save(record);
      }
    }
    const jobs = await JobManager.open({ upstream: answering, store: new SlowRecords(dir), ttlMs: 3600_000 });
    const app = createRelayApp({ jobs, mode: 'live', version: 'test', log: () => undefined });
    try {
      const response = await app.request('/v1/images/generations', {
        method: 'POST',
        headers: { 'content-type': 'application/json', prefer: 'respond-async' },
        body: JSON.stringify({ prompt: 'p', size: 'auto' }),
      });
      expect(response.status).toBe(202);
      const body = (await response.json()) as { id: string; url: string };
      expect(body).toMatchObject({ status: 'succeeded', image: { url: `/v1/jobs/${body.id}/image`, width: 6, height: 4 }, url: `/v1/jobs/${body.id}` });
    } finally {
      await jobs.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
