/** Wrong ADMIN_TOKENs one address may try in a minute; the last of them makes it wait a minute. */
const MAX_WRONG_TRIES = 5;
const WINDOW_MS = 60_000;

interface Tries {
  /** Its wrong tries in the last minute, oldest first. */
  wrong: number[];
  /** Until when it may not try at all: a minute from its fifth wrong try; 0 when it may. */
  lockedUntil: number;
}

/**
 * Counts wrong sign-ins per address, in this instance's memory: guessing ADMIN_TOKEN (at least
 * 16 characters) is hopeless anyway; this keeps a script from trying hard, and an address behind
 * several instances gets five tries on each, which changes nothing about that.
 */
export class SignInLimit {
  private readonly addresses = new Map<string, Tries>();
  private sweptAt: number;

  constructor(private readonly now: () => number) {
    this.sweptAt = now();
  }

  /** Seconds this address must wait before it may try again, rounded up (a try that waits them is taken); 0 when it may try now. */
  waitSeconds(address: string): number {
    const left = (this.addresses.get(address)?.lockedUntil ?? 0) - this.now();
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  /**
   * Counts a wrong try, made while waitSeconds said 0. The fifth in a minute makes the address wait
   * a minute from it, and its count starts again from nothing after: five tries, then a minute.
   */
  failed(address: string): void {
    const now = this.now();
    this.sweep(now);
    const wrong = [...(this.addresses.get(address)?.wrong ?? []).filter((at) => at > now - WINDOW_MS), now];
    this.addresses.set(address, wrong.length < MAX_WRONG_TRIES ? { wrong, lockedUntil: 0 } : { wrong: [], lockedUntil: now + WINDOW_MS });
  }

  /** How many addresses it holds: no more than those with a wrong try in the last two minutes. */
  get size(): number {
    return this.addresses.size;
  }

  /** Once a minute, forgets the addresses whose tries and wait have all passed, so new addresses cannot pile up. */
  private sweep(now: number): void {
    if (now - this.sweptAt < WINDOW_MS) return;
    this.sweptAt = now;
    for (const [address, tries] of this.addresses) {
      if (tries.lockedUntil <= now && tries.wrong.every((at) => at <= now - WINDOW_MS)) this.addresses.delete(address);
    }
  }
}
