import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { JobRecord } from '../../job-record';

const JOB_FILE = /^(job_[A-Za-z0-9_-]+)\.json$/;
/** Prompts and images are the designers' work: only the relay's own user may read them. */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
/** Read in large pieces: each piece costs a trip through the web stream to the socket. */
const READ_PIECE_BYTES = 1 << 20;

/**
 * Jobs on disk: one JSON file per job and, once it succeeded, its PNG beside it. Every file is
 * written under a temporary name and renamed, so a crash never leaves half a file under a job's name.
 */
export class JobFiles {
  constructor(readonly dir: string) {}

  imagePath(id: string): string {
    return join(this.dir, `${id}.png`);
  }

  private async writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, data, { mode: FILE_MODE });
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  save(record: JobRecord): Promise<void> {
    return this.writeAtomically(join(this.dir, `${record.id}.json`), JSON.stringify(record));
  }

  saveImage(id: string, png: Uint8Array): Promise<void> {
    return this.writeAtomically(this.imagePath(id), png);
  }

  /** The PNG as a stream, opened now: a removal after this cannot cut the read short. */
  async openImage(id: string): Promise<{ bytes: number; body: ReadableStream<Uint8Array> } | undefined> {
    const file = await open(this.imagePath(id)).catch(() => undefined);
    if (!file) return undefined;
    const { size } = await file.stat();
    const body = Readable.toWeb(file.createReadStream({ highWaterMark: READ_PIECE_BYTES })) as ReadableStream<Uint8Array>;
    return { bytes: size, body };
  }

  private async removeImage(id: string): Promise<void> {
    await rm(this.imagePath(id), { force: true });
  }

  async remove(id: string): Promise<void> {
    await Promise.all([rm(join(this.dir, `${id}.json`), { force: true }), this.removeImage(id)]);
  }

  /** Every job saved here; clears leftovers of interrupted writes, unreadable records and images no job owns. */
  async loadAll(): Promise<JobRecord[]> {
    await mkdir(this.dir, { recursive: true, mode: DIR_MODE });
    const names = await readdir(this.dir);
    const records: JobRecord[] = [];
    const unreadable: string[] = [];
    for (const name of names) {
      const id = JOB_FILE.exec(name)?.[1];
      if (!id) continue;
      const record = await readFile(join(this.dir, name), 'utf8')
        .then((text) => JSON.parse(text) as JobRecord)
        .catch(() => undefined);
      if (record?.id === id) records.push(record);
      else unreadable.push(name);
    }
    const withImages = new Set(records.filter((r) => r.status === 'succeeded').map((r) => `${r.id}.png`));
    const leftovers = [...unreadable, ...names.filter((name) => name.endsWith('.tmp') || (name.endsWith('.png') && !withImages.has(name)))];
    await Promise.all(leftovers.map((name) => rm(join(this.dir, name), { force: true })));
    return records;
  }
}
