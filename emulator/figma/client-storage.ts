/** Figma gives each plugin 5 MB of client storage in all. */
export const CLIENT_STORAGE_LIMIT_BYTES = 5 * 1024 * 1024;

/** About how many bytes a stored value takes: binary data by its length, text by its characters. */
export function storedSize(value: unknown): number {
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + storedSize(item), 0);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).reduce((sum, [key, item]) => sum + key.length + storedSize(item), 0);
  }
  return 8;
}

/**
 * figma.clientStorage over a map of entries (in memory, or one that persists itself): values are
 * structured copies, and a write that would take the plugin past 5 MB is refused as Figma does.
 */
export function clientStorageOver(entries: Map<string, unknown>): ClientStorageAPI {
  return {
    getAsync: async (key: string) => structuredClone(entries.get(key)),
    setAsync: async (key: string, value: unknown) => {
      const copy = structuredClone(value);
      let total = key.length + storedSize(copy);
      for (const [other, stored] of entries) if (other !== key) total += other.length + storedSize(stored);
      if (total > CLIENT_STORAGE_LIMIT_BYTES) {
        throw new Error(`clientStorage quota exceeded: a plugin may store at most 5 MB, and this write would make ${(total / 1048576).toFixed(1)} MB`);
      }
      entries.set(key, copy);
    },
    deleteAsync: async (key: string) => {
      entries.delete(key);
    },
    keysAsync: async () => [...entries.keys()],
  };
}
