import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A file of JSON lines that only grows: each write appends one whole line (O_APPEND, so writers in
 * two processes, the relay and the `token` command, never overwrite each other), and nothing is
 * rewritten, so a crash mid-write can cost at most that one line, which reading skips. Readers in
 * another process see a write at their next read. Created readable by the relay's user only.
 */
export class AppendLog<T> {
  private cache: { stamp: string; entries: T[] } | undefined;

  constructor(private readonly file: string) {}

  async append(entry: T): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    await appendFile(this.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  }

  /** Every whole line, oldest first; re-read only when the file changed since the last read. */
  async read(): Promise<T[]> {
    const stamp = await this.stamp();
    if (this.cache?.stamp === stamp) return this.cache.entries;
    const text = stamp === 'missing' ? '' : await readFile(this.file, 'utf8');
    const entries: T[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        entries.push(JSON.parse(line) as T);
      } catch {
        // The one line a crash cut short; the lines after it are whole.
      }
    }
    this.cache = { stamp, entries };
    return entries;
  }

  private async stamp(): Promise<string> {
    try {
      const { ino, size, mtimeNs } = await stat(this.file, { bigint: true });
      return `${ino}:${size}:${mtimeNs}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
      throw error;
    }
  }
}
