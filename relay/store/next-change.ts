import type { EventSubject, JobEvents } from './store';

export interface NextChange {
  /** Resolves at the first event, timeout or abort; never rejects. */
  readonly done: Promise<void>;
  /** Unsubscribes and clears the timer; the promise resolves. */
  cancel(): void;
}

/**
 * Waits for the subject's next event on any of `sources`, at most `ms`, or until `signal` aborts.
 * Subscribed at once, before the caller reads, so a change between that read and the wait wakes it.
 */
export function nextChange(sources: readonly JobEvents[], subject: EventSubject, ms: number, signal?: AbortSignal): NextChange {
  let cancel!: () => void;
  const done = new Promise<void>((resolve) => {
    const unsubscribes = sources.map((events) => events.subscribe(subject, () => cancel()));
    const timer = setTimeout(() => cancel(), Math.max(0, ms));
    cancel = () => {
      clearTimeout(timer);
      unsubscribes.forEach((unsubscribe) => unsubscribe());
      signal?.removeEventListener('abort', cancel);
      resolve();
    };
    if (signal?.aborted) cancel();
    else signal?.addEventListener('abort', cancel);
  });
  return { done, cancel: () => cancel() };
}
