import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../relay/job-record';
import { JobFiles } from '../../relay/store/disk/job-files';

const succeeded: JobRecord = {
  id: 'job_done',
  client: 'alice',
  kind: 'edit',
  status: 'succeeded',
  createdAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:01:00.000Z',
  image: { width: 2, height: 2, bytes: 3 },
};

describe('job store on disk', () => {
  let dir: string;
  let store: JobFiles;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reimage-store-'));
    store = new JobFiles(dir);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads back the jobs it saved, with their images', async () => {
    await store.saveImage(succeeded.id, new Uint8Array([1, 2, 3]));
    await store.save(succeeded);

    expect(await store.loadAll()).toEqual([succeeded]);
    expect((await readdir(dir)).sort()).toEqual(['job_done.json', 'job_done.png']);
  });

  it('leaves nothing but the finished file when it writes', async () => {
    await store.save(succeeded);
    await store.save({ ...succeeded, status: 'failed' });

    expect(await readdir(dir)).toEqual(['job_done.json']);
    expect((await store.loadAll())[0].status).toBe('failed');
  });

  it('clears what an interrupted write left: temporary files, unreadable records, images no job owns', async () => {
    await store.save(succeeded);
    await writeFile(join(dir, 'job_done.json.1a2b3c.tmp'), '{"id":"job_d');
    await writeFile(join(dir, 'job_half.json'), '{"id":"job_ha');
    await writeFile(join(dir, 'job_orphan.png'), new Uint8Array([1]));

    const records = await store.loadAll();

    expect(records.map((r) => r.id)).toEqual(['job_done']);
    expect(await readdir(dir)).toEqual(['job_done.json']);
  });

  it('creates its folder when it does not exist yet', async () => {
    const nested = new JobFiles(join(dir, 'a', 'jobs'));

    expect(await nested.loadAll()).toEqual([]);
  });
});
