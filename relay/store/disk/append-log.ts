import { appendFile, mkdir, open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A file of JSON lines that only grows: each write appends one whole line (O_APPEND, so writers in
 * two processes, the relay and the `token` command, never overwrite each other), and nothing is
 * rewritten, so a crash mid-write can cost at most that one line, which reading skips. Readers in
 * another process see a write at their next read. Created readable by the relay's user only.
 */
export class AppendLog<T> {
  /** What was read so far: up to `offset`, the end of the last whole line, of the file `ino`. */
  private cache = { ino: -1n, offset: 0, entries: [] as T[] };

  constructor(private readonly file: string) {}

  /** Whether this handle has made sure the file ends a line: after a crash mid-write it may not, and the next line must not join the torn one. */
  private onFreshLine = false;

  async append(entry: T): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const start = this.onFreshLine || (await this.endsLine()) ? '' : '\n';
    await appendFile(this.file, `${start}${JSON.stringify(entry)}\n`, { mode: 0o600 });
    this.onFreshLine = true;
  }

  private async endsLine(): Promise<boolean> {
    const handle = await open(this.file, 'r').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!handle) return true;
    try {
      const { size } = await handle.stat();
      if (size === 0) return true;
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      return last[0] === 0x0a;
    } finally {
      await handle.close();
    }
  }

  /**
   * Every whole line, oldest first. Only what was appended since the last read is read (the budget
   * asks on every request, and the file keeps growing); a file replaced or cut is read again whole.
   */
  async read(): Promise<T[]> {
    let ino: bigint;
    let size: number;
    try {
      const info = await stat(this.file, { bigint: true });
      [ino, size] = [info.ino, Number(info.size)];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.cache = { ino: -1n, offset: 0, entries: [] };
      return this.cache.entries;
    }
    if (ino !== this.cache.ino || size < this.cache.offset) this.cache = { ino, offset: 0, entries: [] };
    if (size === this.cache.offset) return this.cache.entries;
    const handle = await open(this.file, 'r');
    let text: string;
    try {
      const bytes = Buffer.alloc(size - this.cache.offset);
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, this.cache.offset);
      text = bytes.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
    // A line still being written (no newline yet) is read next time, whole.
    const whole = text.slice(0, text.lastIndexOf('\n') + 1);
    const entries = [...this.cache.entries];
    for (const line of whole.split('\n')) {
      if (line === '') continue;
      try {
        entries.push(JSON.parse(line) as T);
      } catch {
        // The one line a crash cut short; the lines after it are whole.
      }
    }
    this.cache = { ino, offset: this.cache.offset + Buffer.byteLength(whole), entries };
    return entries;
  }
}
