/** Wrong ADMIN_TOKENs one address may try in a minute; the next waits for the minute to pass. */
export const MAX_WRONG_TRIES = 5;
const WINDOW_MS = 60_000;

/**
 * Counts wrong sign-ins per address, in this instance's memory: guessing ADMIN_TOKEN (at least
 * 16 characters) is hopeless anyway; this keeps a script from trying hard, and an address behind
 * several instances gets five tries on each, which changes nothing about that.
 */
export class SignInLimit {
  private readonly wrong = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  private recent(address: string): number[] {
    const since = this.now() - WINDOW_MS;
    const times = (this.wrong.get(address) ?? []).filter((at) => at > since);
    if (times.length === 0) this.wrong.delete(address);
    else this.wrong.set(address, times);
    return times;
  }

  /**
   * Seconds this address must wait before it may try again (a minute from its fifth wrong try in a
   * minute: no try is counted while it waits, so then its count is clear); 0 when it may try now.
   */
  waitSeconds(address: string): number {
    const times = this.recent(address);
    return times.length < MAX_WRONG_TRIES ? 0 : Math.max(1, Math.ceil((times[times.length - 1] + WINDOW_MS - this.now()) / 1000));
  }

  failed(address: string): void {
    this.wrong.set(address, [...this.recent(address), this.now()]);
  }
}
