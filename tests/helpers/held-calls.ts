/**
 * A fake provider's gate that holds every call until the test lets it answer, one by one in the
 * order they came, or all at once.
 */
export interface HeldCalls {
  gate: () => Promise<void>;
  /** Calls waiting for an answer now. */
  readonly waiting: number;
  /** Lets the oldest waiting call answer. */
  answerNext(): void;
  answerAll(): void;
}

export function heldCalls(): HeldCalls {
  const queue: (() => void)[] = [];
  return {
    gate: () => new Promise<void>((resolve) => queue.push(resolve)),
    get waiting() {
      return queue.length;
    },
    answerNext: () => queue.shift()?.(),
    answerAll: () => queue.splice(0).forEach((answer) => answer()),
  };
}
