import { admissionRefusal, WINDOW_MS } from '../../client-limits';
import { monthOf } from '../../usage-month';
import type { ClientPlaces, Place, PlaceRequest } from '../store';
import type { UsageRecord } from '../usage';
import { LOCK } from './advisory-locks';
import { at, type PostgresContext } from './context';
import { NOTIFY_KEY } from './notify-channel';
import { type KeyedTurns, keyedTurns } from '../keyed-turns';
import { LEASE_MS } from './leases';
import { madeSinceSql, USAGE_VALUES_SQL, usageValues } from './postgres-team';

/** Deletes the places matching `condition` and wakes the waiters on the keys they reserved, after the `WITH` queries `before`, if any. */
export function freePlaces(condition: string, before = ''): string {
  return `WITH ${before && `${before}, `}freed AS (DELETE FROM places WHERE ${condition} RETURNING client, idempotency_key) SELECT ${NOTIFY_KEY} FROM freed WHERE idempotency_key IS NOT NULL`;
}

interface Counts {
  key_held: boolean;
  in_flight: number;
  starting: number;
  started_at: Date[];
  made: number | null;
}

/**
 * Under the client's lock, in one statement and so one snapshot (under READ COMMITTED two
 * statements could see a call start committed between them, once as a place still starting and
 * once among the minute's starts), and in one round trip: frees the client's places whose instance
 * died (waking the waiters on their keys) and forgets its starts older than the minute, while
 * counting, as if those were gone already (the statement's parts all see the rows as they were):
 * whether a live place holds key $3, its live places and those not started, its starts since $4,
 * and, with $5, its images made since $5, which the lock keeps two instances from both taking the
 * last of. $1 client, $2 now.
 */
const COUNT_SQL = `
  WITH freed AS (DELETE FROM places WHERE client = $1 AND lease_until < $2 RETURNING client, idempotency_key),
       woken AS (SELECT ${NOTIFY_KEY} FROM freed WHERE idempotency_key IS NOT NULL),
       forgotten AS (DELETE FROM provider_starts WHERE client = $1 AND started_at <= $4)
  SELECT EXISTS (SELECT 1 FROM places WHERE client = $1 AND lease_until >= $2 AND idempotency_key = $3) AS key_held,
         (SELECT count(*)::int FROM places WHERE client = $1 AND lease_until >= $2) AS in_flight,
         (SELECT count(*)::int FROM places WHERE client = $1 AND lease_until >= $2 AND NOT started) AS starting,
         ARRAY(SELECT started_at FROM provider_starts WHERE client = $1 AND started_at > $4 ORDER BY started_at) AS started_at,
         CASE WHEN $5::timestamptz IS NULL THEN NULL ELSE (${madeSinceSql('$1', '$5')}) END AS made,
         (SELECT count(*) FROM woken) AS woken`;

/** A place this instance holds, as a row of the places table. */
class PostgresPlace implements Place {
  private started = false;
  private released = false;

  constructor(
    private readonly context: PostgresContext,
    private readonly held: Set<string>,
    private readonly turns: KeyedTurns,
    private readonly id: string,
    readonly client: string,
    readonly idempotencyKey: string | undefined,
  ) {}

  async start(): Promise<void> {
    if (this.started || this.released) return;
    this.started = true;
    // One statement, so one step, in one round trip. A start the database cannot take is not
    // counted: the call goes on (the interface's rule).
    await this.context.db
      .query('WITH marked AS (UPDATE places SET started = true WHERE id = $1) INSERT INTO provider_starts (client, started_at) VALUES ($2, $3)', [
        this.id,
        this.client,
        at(this.context),
      ])
      .catch(() => undefined);
  }

  async release(usage?: UsageRecord): Promise<void> {
    if (this.released) return;
    this.released = true;
    // Renewed no more: a place the database could not delete now frees itself when its lease runs out.
    this.held.delete(this.id);
    if (!usage) {
      await this.context.db.query(freePlaces('id = $1'), [this.id]).catch(() => undefined);
      return;
    }
    // One statement, so one step for every instance's take: the call is counted as in flight or
    // as made, never as neither. In the client's turn here, so this instance's next take follows it.
    await this.turns(this.client, () =>
      this.context.db.query(freePlaces('id = $10', `recorded AS (INSERT INTO usage_records ${USAGE_VALUES_SQL})`), [...usageValues(usage), this.id]),
    );
  }
}

export class PostgresPlaces implements ClientPlaces {
  /** The ids of the places this handle holds, whose leases it renews. */
  readonly held = new Set<string>();

  /**
   * A client's takes on this instance wait their turn here, in memory, before they borrow a
   * connection: in the database they queue on the client's lock anyway, and a burst from one token
   * waiting there would hold the whole pool, so every other request would time out as if the
   * database were down.
   */
  private readonly turns = keyedTurns();

  constructor(private readonly context: PostgresContext) {}

  take(request: PlaceRequest): Promise<{ place: Place } | { keyHeld: true }> {
    return this.turns(request.client, () => this.takeNow(request));
  }

  private async takeNow(request: PlaceRequest): Promise<{ place: Place } | { keyHeld: true }> {
    const { client: name, idempotencyKey: key, limits } = request;
    const now = this.context.now();
    const id = await this.context.db.transaction(async (client) => {
      // Counting and taking are one step for this client over every instance.
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK.clientPlaces, name]);
      const { rows } = await client.query<Counts>(COUNT_SQL, [
        name,
        new Date(now),
        key ?? null,
        new Date(now - WINDOW_MS),
        limits?.monthlyImages === undefined ? null : monthOf(now).from,
      ]);
      const counts = rows[0];
      if (counts.key_held) return undefined;
      if (limits) {
        const refusal = admissionRefusal(
          limits,
          { inFlight: counts.in_flight, starting: counts.starting, startedAt: counts.started_at.map((at) => at.getTime()), madeThisMonth: counts.made ?? undefined },
          now,
        );
        if (refusal) throw refusal;
      }
      const inserted = await client.query<{ id: string }>(
        'INSERT INTO places (client, instance, idempotency_key, lease_until) VALUES ($1, $2, $3, $4) RETURNING id',
        [name, this.context.instance, key ?? null, new Date(now + LEASE_MS)],
      );
      return inserted.rows[0].id;
    });
    if (id === undefined) return { keyHeld: true };
    this.held.add(id);
    return { place: new PostgresPlace(this.context, this.held, this.turns, id, name, key) };
  }
}
