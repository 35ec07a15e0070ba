/**
 * Runs the tasks given for one key one after another, tasks for different keys side by side. The
 * map holds a key only while it has tasks, so it does not grow with every client ever seen.
 */
export type KeyedTurns = <T>(key: string, task: () => Promise<T>) => Promise<T>;

export function keyedTurns(): KeyedTurns {
  const last = new Map<string, Promise<unknown>>();
  return (key, task) => {
    const before = last.get(key) ?? Promise.resolve();
    const run = before.then(task, task);
    const settled = run.catch(() => undefined);
    last.set(key, settled);
    void settled.then(() => {
      if (last.get(key) === settled) last.delete(key);
    });
    return run;
  };
}
