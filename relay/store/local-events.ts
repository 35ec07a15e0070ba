import type { EventSubject, JobEvents } from './store';

/** One string per subject, so a job id and a client's key never meet. */
export function subjectKey(subject: EventSubject): string {
  return 'job' in subject ? JSON.stringify(['job', subject.job]) : JSON.stringify(['key', subject.client, subject.idempotencyKey]);
}

/**
 * Listeners within this process, by subject. The disk store's events are these; a shared store
 * dispatches what it hears from other instances to them.
 */
export class LocalEvents implements JobEvents {
  private readonly listeners = new Map<string, Set<() => void>>();

  subscribe(subject: EventSubject, listener: () => void): () => void {
    const key = subjectKey(subject);
    const set = this.listeners.get(key) ?? new Set();
    // A set of its own per call, so one listener subscribed twice is unsubscribed once per call.
    const entry = () => listener();
    set.add(entry);
    this.listeners.set(key, set);
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.listeners.get(key) === set) this.listeners.delete(key);
    };
  }

  /** Calls the subject's listeners after the current task, so a change's writer finishes its step first. */
  emit(subject: EventSubject): void {
    const set = this.listeners.get(subjectKey(subject));
    if (set) queueMicrotask(() => [...set].forEach((listener) => listener()));
  }

  /** Wakes every listener: after events may have been missed, each re-reads what it waits for. */
  emitAll(): void {
    queueMicrotask(() => [...this.listeners.values()].flatMap((set) => [...set]).forEach((listener) => listener()));
  }
}
