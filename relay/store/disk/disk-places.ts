import { admissionRefusal, WINDOW_MS } from '../../client-limits';
import { keyedTurns } from '../keyed-turns';
import type { LocalEvents } from '../local-events';
import type { ClientPlaces, Place, PlaceRequest } from '../store';
import type { UsageLedger } from '../usage';
import { monthOf } from '../../usage-month';

interface Held {
  inFlight: number;
  starting: number;
  keys: Set<string>;
}

/** Places in this process's memory: one process owns the data directory, so it sees every place. */
export class DiskPlaces implements ClientPlaces {
  private readonly held = new Map<string, Held>();
  /** When each client's provider calls of the last minute started. */
  private readonly starts = new Map<string, number[]>();

  constructor(
    private readonly events: LocalEvents,
    private readonly now: () => number,
    private readonly usage: UsageLedger,
  ) {}

  private recentStarts(client: string, time: number): number[] {
    const times = (this.starts.get(client) ?? []).filter((at) => at > time - WINDOW_MS);
    if (times.length > 0) this.starts.set(client, times);
    else this.starts.delete(client);
    return times;
  }

  /** A client's takes and its releases with a usage record, one after another: a take never reads the ledger between a call's record and its place's release. */
  private readonly turns = keyedTurns();

  take(request: PlaceRequest): Promise<{ place: Place } | { keyHeld: true }> {
    return this.turns(request.client, () => this.takeNow(request));
  }

  private async takeNow({ client, idempotencyKey, limits }: PlaceRequest): Promise<{ place: Place } | { keyHeld: true }> {
    // Read first: from here on nothing waits, so counting and taking are one step in this process.
    const madeThisMonth = limits?.monthlyImages === undefined ? undefined : await this.usage.madeSince(client, monthOf(this.now()).from);
    const held = this.held.get(client) ?? { inFlight: 0, starting: 0, keys: new Set<string>() };
    if (idempotencyKey !== undefined && held.keys.has(idempotencyKey)) return { keyHeld: true };
    if (limits) {
      const time = this.now();
      const refusal = admissionRefusal(limits, { inFlight: held.inFlight, starting: held.starting, startedAt: this.recentStarts(client, time), madeThisMonth }, time);
      if (refusal) throw refusal;
    }
    held.inFlight++;
    held.starting++;
    if (idempotencyKey !== undefined) held.keys.add(idempotencyKey);
    this.held.set(client, held);
    let started = false;
    let released = false;
    const free = () => {
      if (!started) held.starting--;
      if (--held.inFlight === 0) this.held.delete(client);
      if (idempotencyKey !== undefined) {
        held.keys.delete(idempotencyKey);
        this.events.emit({ client, idempotencyKey });
      }
    };
    const place: Place = {
      client,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      start: async () => {
        if (started || released) return;
        started = true;
        held.starting--;
        const time = this.now();
        this.starts.set(client, [...this.recentStarts(client, time), time]);
      },
      release: async (usage) => {
        if (released) return;
        released = true;
        // Freed in the same turn as its record is written, whether or not that worked.
        if (usage) await this.turns(client, () => this.usage.record(usage).finally(free));
        else free();
      },
    };
    return { place };
  }
}
