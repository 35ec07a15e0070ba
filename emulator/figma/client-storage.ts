/** Figma gives each plugin 5 MB of client storage in all. */
export const CLIENT_STORAGE_LIMIT_BYTES = 5 * 1024 * 1024;

/**
 * What an entry counts against the quota, as Figma's documentation reckons it: the key plus the
 * value converted to JSON, except that a Uint8Array counts as its length.
 */
export function storedSize(key: string, value: unknown): number {
  let binary = 0;
  const json = JSON.stringify(value, (_, item: unknown) => {
    if (!(item instanceof Uint8Array)) return item;
    binary += item.byteLength;
    return '';
  });
  return key.length + (json?.length ?? 0) + binary;
}

/** How long one clientStorage call takes before it takes effect, in milliseconds. */
export type StorageLatency = () => number;

/**
 * Latencies of a few to tens of milliseconds that vary from call to call, the same sequence for the
 * same seed (mulberry32), so a test that depends on them fails or passes the same way every run.
 */
export function seededLatency(seed: number, { minMs = 2, maxMs = 40 }: { minMs?: number; maxMs?: number } = {}): StorageLatency {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.round(minMs + unit * (maxMs - minMs));
  };
}

function after<T>(latency: StorageLatency, action: () => T): Promise<T> {
  return new Promise((resolve, reject) => {
    setTimeout(() => {
      try {
        resolve(action());
      } catch (error) {
        reject(error);
      }
    }, latency());
  });
}

/**
 * figma.clientStorage over a map of entries (in memory, or one that persists itself). As in Figma,
 * every call is asynchronous and takes a while: each reads or writes when its latency has passed,
 * so two read-modify-writes that overlap lose one, and calls not awaited land in no promised order.
 * Values are structured copies, and a write that would take the plugin past 5 MB is refused.
 */
export function clientStorageOver(entries: Map<string, unknown>, latency: StorageLatency): ClientStorageAPI {
  return {
    getAsync: (key: string) => after(latency, () => structuredClone(entries.get(key))),
    setAsync: (key: string, value: unknown) => {
      // Copied when called, as Figma serialises the value then: a later change by the caller is not stored.
      const copy = structuredClone(value);
      return after(latency, () => {
        let total = storedSize(key, copy);
        for (const [other, stored] of entries) if (other !== key) total += storedSize(other, stored);
        if (total > CLIENT_STORAGE_LIMIT_BYTES) {
          throw new Error(`clientStorage quota exceeded: a plugin may store at most 5 MB, and this write would make ${(total / 1048576).toFixed(1)} MB`);
        }
        entries.set(key, copy);
      });
    },
    deleteAsync: (key: string) =>
      after(latency, () => {
        entries.delete(key);
      }),
    keysAsync: () => after(latency, () => [...entries.keys()]),
  };
}
