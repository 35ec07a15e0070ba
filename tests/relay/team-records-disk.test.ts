import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diskTeamRecords } from '../../relay/store/disk/disk-team';
import { teamRecordsContract } from './team-records-contract';

const dirs: string[] = [];
async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'reimage-team-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

teamRecordsContract('disk', async () => {
  const dir = await dataDir();
  return { first: diskTeamRecords(dir), second: diskTeamRecords(dir) };
});

describe('disk: the team records as files', () => {
  it('appends one line per provider call to usage.jsonl, readable by the relay user only', async () => {
    const dir = await dataDir();
    const records = diskTeamRecords(dir);
    const entry = { at: '2026-12-01T10:00:00.000Z', client: 'alice', kind: 'edit' as const, size: '1024x1024', references: 1, outcome: 'succeeded' as const, providerMs: 1, bytesIn: 2, bytesOut: 3 };
    await records.usage.record(entry);
    await records.usage.record({ ...entry, at: '2026-12-01T11:00:00.000Z' });
    expect((await readFile(join(dir, 'usage.jsonl'), 'utf8')).split('\n')).toEqual([JSON.stringify(entry), JSON.stringify({ ...entry, at: '2026-12-01T11:00:00.000Z' }), '']);
    expect((await stat(join(dir, 'usage.jsonl'))).mode & 0o777).toBe(0o600);
  });

  it('skips a line a crash cut short and keeps reading the lines after it', async () => {
    const dir = await dataDir();
    const records = diskTeamRecords(dir);
    await records.budgets.set('alice', 10);
    await appendFile(join(dir, 'budgets.jsonl'), '{"name":"bob","ca');
    await appendFile(join(dir, 'budgets.jsonl'), '\n');
    await records.budgets.set('carol', 30);
    expect(await diskTeamRecords(dir).budgets.all()).toEqual(new Map([['alice', 10], ['carol', 30]]));
  });

  it('starts a new line after a line a crash left without its end, so the next record is kept', async () => {
    const dir = await dataDir();
    await diskTeamRecords(dir).budgets.set('alice', 10);
    await appendFile(join(dir, 'budgets.jsonl'), '{"name":"bob","ca');
    // The next process (the relay restarted, or the token command) writes on.
    const next = diskTeamRecords(dir);
    await next.budgets.set('carol', 30);
    await next.budgets.set('dan', 40);
    expect(await diskTeamRecords(dir).budgets.all()).toEqual(new Map([['alice', 10], ['carol', 30], ['dan', 40]]));
  });
});
