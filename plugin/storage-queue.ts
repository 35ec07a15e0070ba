import type { FigmaApi } from './figma-api';

type ClientStorage = FigmaApi['clientStorage'];

/**
 * figma.clientStorage with every read and write of the sandbox in one queue. Stored lists are
 * read-modify-write (a job is added, a prompt removed), and Figma's calls are asynchronous: two
 * updates that both read before either writes lose one, and writes not awaited may land in any
 * order. In the queue each call starts once the one before it has ended, so every update reads
 * what the previous one wrote, and no write overtakes or erases another.
 */
export interface StoredValues {
  read(key: string): Promise<unknown>;
  write(key: string, value: unknown): Promise<void>;
  /** Reads the stored value, writes what `change` makes of it, and resolves with that. */
  update<T>(key: string, change: (stored: unknown) => T): Promise<T>;
  /** Runs `work` on the storage itself with no other call in between: a change that spans several keys. */
  exclusive<T>(work: (storage: ClientStorage) => Promise<T>): Promise<T>;
}

const queues = new WeakMap<ClientStorage, StoredValues>();

/** The one queue for this clientStorage, however many parts of the sandbox ask for it. */
export function storedValues(storage: ClientStorage): StoredValues {
  let queue = queues.get(storage);
  if (!queue) {
    queue = queueOver(storage);
    queues.set(storage, queue);
  }
  return queue;
}

function queueOver(storage: ClientStorage): StoredValues {
  let last: Promise<unknown> = Promise.resolve();
  function enqueue<T>(call: () => Promise<T>): Promise<T> {
    const result = last.then(call);
    // A refused write (the quota) is its caller's to handle; the calls after it still run.
    last = result.catch(() => undefined);
    return result;
  }
  return {
    read: (key) => enqueue(() => storage.getAsync(key)),
    write: (key, value) => enqueue(() => storage.setAsync(key, value)),
    update: (key, change) =>
      enqueue(async () => {
        const next = change(await storage.getAsync(key));
        await storage.setAsync(key, next);
        return next;
      }),
    exclusive: (work) => enqueue(() => work(storage)),
  };
}
