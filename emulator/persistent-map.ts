/**
 * Client storage entries kept in the page's localStorage, so they survive a reload as Figma's
 * clientStorage survives restarting the plugin. Binary values are stored as tagged base64.
 */

const BYTES_TAG = '$bytes';

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

function serialize(value: unknown): string {
  return JSON.stringify(value, (_, item: unknown) => (item instanceof Uint8Array ? { [BYTES_TAG]: toBase64(item) } : item));
}

function deserialize(text: string): unknown {
  return JSON.parse(text, (_, item: unknown) =>
    item !== null && typeof item === 'object' && typeof (item as Record<string, unknown>)[BYTES_TAG] === 'string'
      ? fromBase64((item as Record<string, string>)[BYTES_TAG])
      : item,
  );
}

export class PersistentMap extends Map<string, unknown> {
  constructor(
    private readonly storage: Storage,
    private readonly prefix: string,
  ) {
    super();
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(prefix)) super.set(key.slice(prefix.length), deserialize(storage.getItem(key) as string));
    }
  }

  override set(key: string, value: unknown): this {
    this.storage.setItem(this.prefix + key, serialize(value));
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    this.storage.removeItem(this.prefix + key);
    return super.delete(key);
  }

  override clear(): void {
    for (const key of this.keys()) this.storage.removeItem(this.prefix + key);
    super.clear();
  }
}
