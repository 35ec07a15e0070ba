import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRelayApp, type LogLine } from '../../relay/app';
import { JobManager } from '../../relay/jobs';
import { openDiskStore } from '../../relay/store/disk/disk-store';
import { JobFiles } from '../../relay/store/disk/job-files';
import type { Upstream } from '../../relay/upstream';
import { solidPng } from '../fakes/png';

const PNG = solidPng(6, 4);
const answering: Upstream = async () => ({
  status: 200,
  retryAfter: null,
  read: async () => Buffer.from(JSON.stringify({ created: 1, data: [{ b64_json: Buffer.from(PNG).toString('base64') }] })),
});

/** A store whose image writes wait until the test lets them end, well or badly. */
class HeldImageStore extends JobFiles {
  private finishWrite?: (error?: Error) => void;
  imageWrites = 0;

  override saveImage(id: string, png: Uint8Array): Promise<void> {
    this.imageWrites++;
    return new Promise<void>((resolve, reject) => {
      this.finishWrite = (error) => (error ? reject(error) : resolve(super.saveImage(id, png)));
    });
  }

  get writing(): boolean {
    return this.finishWrite !== undefined;
  }

  endWrite(error?: Error): void {
    const finish = this.finishWrite!;
    this.finishWrite = undefined;
    finish(error);
  }
}

const FULL = new Error('ENOSPC: no space left on device');

describe("a succeeded job's image while it is written to disk", () => {
  let dir: string;
  let store: HeldImageStore;
  let jobs: JobManager;
  let logs: LogLine[];

  beforeEach(async () => {
    logs = [];
    dir = await mkdtemp(join(tmpdir(), 'reimage-image-write-'));
    store = new HeldImageStore(dir);
    jobs = await JobManager.open({
      upstream: answering,
      store: await openDiskStore({ jobs: store, tokensDir: dir, ttlMs: 3600_000 }),
      writeRetryDelaysMs: [5, 10, 20],
      log: (line) => void logs.push(line),
    });
  });

  afterEach(async () => {
    await jobs.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const recordOnDisk = async (id: string) => JSON.parse(await readFile(join(dir, `${id}.json`), 'utf8')) as Record<string, unknown>;

  it('is served from memory at once, and the job is saved as succeeded only once the PNG is on disk', async () => {
    const { id } = await jobs.submit(await jobs.admit('alice'), { kind: 'generate', prompt: 'p', size: 'auto' });
    expect((await jobs.wait('alice', id, 5000))?.status).toBe('succeeded');
    expect(((await jobs.image('alice', id)) as { png?: Buffer } | undefined)?.png).toEqual(Buffer.from(PNG));
    expect((await recordOnDisk(id)).status).not.toBe('succeeded');

    store.endWrite();
    await jobs.settled();
    expect(((await jobs.image('alice', id)) as { png?: Buffer } | undefined)?.png).toBeUndefined();
    expect(await readFile(store.imagePath(id))).toEqual(Buffer.from(PNG));
    expect((await recordOnDisk(id)).status).toBe('succeeded');
  });

  it('writes the PNG again after a failed write, serving it from memory meanwhile, and never fails the paid job', async () => {
    const { id } = await jobs.submit(await jobs.admit('alice'), { kind: 'generate', prompt: 'p', size: 'auto' });
    await jobs.wait('alice', id, 5000);

    store.endWrite(FULL);
    await expect.poll(() => store.writing).toBe(true);
    store.endWrite(FULL);
    await expect.poll(() => store.writing).toBe(true);
    expect((await jobs.get('alice', id))?.status).toBe('succeeded');
    expect(((await jobs.image('alice', id)) as { png?: Buffer } | undefined)?.png).toEqual(Buffer.from(PNG));

    store.endWrite();
    await jobs.settled();
    expect(store.imageWrites).toBe(3);
    expect(await readFile(store.imagePath(id))).toEqual(Buffer.from(PNG));
    expect((await recordOnDisk(id)).status).toBe('succeeded');
  });

  it('keeps a job succeeded, its PNG in memory, when every write fails, and logs it for the admin', async () => {
    const { id } = await jobs.submit(await jobs.admit('alice'), { kind: 'generate', prompt: 'p', size: 'auto' });
    await jobs.wait('alice', id, 5000);

    for (let attempt = 0; attempt < 4; attempt++) {
      await expect.poll(() => store.writing).toBe(true);
      store.endWrite(FULL);
    }
    await jobs.settled();
    expect(store.imageWrites).toBe(4);
    expect((await jobs.get('alice', id))?.status).toBe('succeeded');
    expect(((await jobs.image('alice', id)) as { png?: Buffer } | undefined)?.png).toEqual(Buffer.from(PNG));
    expect(logs).toContainEqual(expect.objectContaining({ level: 'error', job: id, message: expect.stringContaining('ENOSPC') }));
  });
});

describe('a job whose record cannot be written', () => {
  it('is refused with job_not_saved before its provider call, and gives its place back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reimage-record-write-'));
    let calls = 0;
    const counting: Upstream = async (request, signal) => {
      calls++;
      return answering(request, signal);
    };
    class FullDisk extends JobFiles {
      override save(): Promise<void> {
        return Promise.reject(FULL);
      }
    }
    // One place per client: a place the refused submit kept would refuse the next admission.
    const store = await openDiskStore({ jobs: new FullDisk(dir), tokensDir: dir, ttlMs: 3600_000 });
    const jobs = await JobManager.open({ upstream: counting, store, clientLimits: { maxConcurrent: 1, maxPerMinute: 10 } });
    try {
      await expect(jobs.submit(await jobs.admit('alice'), { kind: 'generate', prompt: 'p', size: 'auto' })).rejects.toMatchObject({ status: 507, code: 'job_not_saved' });
      expect(calls).toBe(0);
      (await jobs.admit('alice')).release();
    } finally {
      await jobs.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a job submit', () => {
  it('calls the provider only once the job is on disk, and answers 202 with the job as GET shows it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reimage-record-first-'));
    const onDiskAtCall: boolean[] = [];
    const checking: Upstream = async (request, signal) => {
      const names = await readdir(dir);
      onDiskAtCall.push(names.some((name) => name.endsWith('.json')));
      return answering(request, signal);
    };
    const jobs = await JobManager.open({ upstream: checking, store: await openDiskStore({ jobs: new JobFiles(dir), tokensDir: dir, ttlMs: 3600_000 }) });
    const app = createRelayApp({ jobs, mode: 'live', version: 'test', log: () => undefined });
    try {
      const response = await app.request('/v1/images/generations', {
        method: 'POST',
        headers: { 'content-type': 'application/json', prefer: 'respond-async' },
        body: JSON.stringify({ prompt: 'p', size: 'auto' }),
      });
      expect(response.status).toBe(202);
      const body = (await response.json()) as { id: string; url: string };
      expect(body).toMatchObject({ id: expect.stringMatching(/^job_/), status: 'running', kind: 'generate', url: `/v1/jobs/${body.id}` });
      await jobs.wait('anonymous', body.id, 5000);
      expect(onDiskAtCall).toEqual([true]);
    } finally {
      await jobs.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
