import { describe, expect, it } from 'vitest';
import { CLIENT_STORAGE_LIMIT_BYTES, clientStorageOver, seededLatency, storedSize } from '../../emulator/figma/client-storage';

describe('the emulator’s clientStorage, slow as Figma’s', () => {
  it('takes a few to tens of milliseconds a call, varying, the same sequence for the same seed', () => {
    const sample = (seed: number) => Array.from({ length: 200 }, seededLatency(seed));
    const latencies = sample(7);
    expect(Math.min(...latencies)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(40);
    expect(Math.max(...latencies) - Math.min(...latencies)).toBeGreaterThan(25);
    expect(new Set(latencies).size).toBeGreaterThan(20);
    expect(sample(7)).toEqual(latencies);
    expect(sample(8)).not.toEqual(latencies);
  });

  it('reads and writes only once a call’s latency has passed', async () => {
    const entries = new Map<string, unknown>([['count', 1]]);
    const storage = clientStorageOver(entries, () => 15);
    const started = performance.now();
    const write = storage.setAsync('count', 2);
    expect(entries.get('count')).toBe(1);
    await write;
    expect(performance.now() - started).toBeGreaterThanOrEqual(14);
    expect(entries.get('count')).toBe(2);
    expect(await storage.getAsync('count')).toBe(2);
  });

  it('loses one of two read-modify-writes that overlap, so a plugin must not let them', async () => {
    const storage = clientStorageOver(new Map(), () => 10);
    const append = async (item: string) => {
      const list = ((await storage.getAsync('list')) as string[] | undefined) ?? [];
      await storage.setAsync('list', [...list, item]);
    };
    await Promise.all([append('a'), append('b')]);
    expect(((await storage.getAsync('list')) as string[]).length).toBe(1);
  });

  it('stores the value as it was when setAsync was called, a copy the caller cannot change', async () => {
    const storage = clientStorageOver(new Map(), seededLatency(4));
    const jobs = [{ id: 'job-1' }];
    const write = storage.setAsync('jobs', jobs);
    jobs.push({ id: 'job-2' });
    await write;
    const stored = (await storage.getAsync('jobs')) as { id: string }[];
    stored.push({ id: 'job-3' });
    expect(await storage.getAsync('jobs')).toEqual([{ id: 'job-1' }]);
  });

  it('counts an entry as Figma does: its key and its value as JSON, a Uint8Array by its length', () => {
    expect(storedSize('ab', { x: 'yz' })).toBe(2 + '{"x":"yz"}'.length);
    expect(storedSize('thumb', new Uint8Array(1000))).toBe(5 + 2 + 1000);
  });

  it('refuses a write past 5 MB with latency too, keeping what was stored', async () => {
    const entries = new Map<string, unknown>();
    const storage = clientStorageOver(entries, seededLatency(5));
    await storage.setAsync('history', 'x'.repeat(CLIENT_STORAGE_LIMIT_BYTES - 100));
    await expect(storage.setAsync('settings', { relayUrl: 'x'.repeat(200) })).rejects.toThrow(/at most 5 MB/);
    expect([...entries.keys()]).toEqual(['history']);
  });
});
