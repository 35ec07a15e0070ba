import type { QueryResult, QueryResultRow } from 'pg';
import type { Budgets, MonthlyCap } from '../budgets';
import { newPresetId, type TeamPreset, type TeamPresets } from '../presets';
import type { TeamRecords } from '../team';
import type { UsageLedger, UsageRecord } from '../usage';

/** What the team records need of the database: one statement at a time (the store's pool, which answers 503 when the database is away). */
export interface Queryable {
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

interface UsageRow {
  at: Date;
  client: string;
  kind: UsageRecord['kind'];
  size: string;
  references: number;
  outcome: UsageRecord['outcome'];
  provider_ms: number;
  bytes_in: string;
  bytes_out: string;
}

/** Counts the images of the client in parameter `client` made since parameter `from` (used inside the places lock too, so the budget holds over instances). */
export function madeSinceSql(client: string, from: string): string {
  return `SELECT count(*)::int FROM usage_records WHERE client = ${client} AND outcome = 'succeeded' AND at >= ${from}`;
}

/** A usage record's columns and its values as $1 to $9 (usageValues), for an INSERT here and in a place's release. */
export const USAGE_VALUES_SQL = '(at, client, kind, size, "references", outcome, provider_ms, bytes_in, bytes_out) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)';

export function usageValues(entry: UsageRecord): unknown[] {
  return [entry.at, entry.client, entry.kind, entry.size, entry.references, entry.outcome, entry.providerMs, entry.bytesIn, entry.bytesOut];
}

class PostgresUsage implements UsageLedger {
  constructor(private readonly db: Queryable) {}

  async record(entry: UsageRecord): Promise<void> {
    await this.db.query(`INSERT INTO usage_records ${USAGE_VALUES_SQL}`, usageValues(entry));
  }

  async between(from: Date, to: Date): Promise<UsageRecord[]> {
    const { rows } = await this.db.query<UsageRow>('SELECT * FROM usage_records WHERE at >= $1 AND at < $2 ORDER BY at, id', [from, to]);
    return rows.map((row) => ({
      at: row.at.toISOString(),
      client: row.client,
      kind: row.kind,
      size: row.size,
      references: row.references,
      outcome: row.outcome,
      providerMs: row.provider_ms,
      bytesIn: Number(row.bytes_in),
      bytesOut: Number(row.bytes_out),
    }));
  }

  async madeSince(client: string, from: Date): Promise<number> {
    const { rows } = await this.db.query<{ made: number }>(`SELECT (${madeSinceSql('$1', '$2')}) AS made`, [client, from]);
    return rows[0].made;
  }
}

class PostgresBudgets implements Budgets {
  constructor(private readonly db: Queryable) {}

  async get(name: string): Promise<MonthlyCap | undefined> {
    // Asked before every take: the one row, not the whole team's.
    const { rows } = await this.db.query<{ monthly_images: number | null }>('SELECT monthly_images FROM budgets WHERE name = $1', [name]);
    return rows[0] && (rows[0].monthly_images ?? 'unlimited');
  }

  async set(name: string, cap: MonthlyCap | undefined): Promise<void> {
    if (cap === undefined) await this.db.query('DELETE FROM budgets WHERE name = $1', [name]);
    else {
      await this.db.query('INSERT INTO budgets (name, monthly_images) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET monthly_images = EXCLUDED.monthly_images', [
        name,
        cap === 'unlimited' ? null : cap,
      ]);
    }
  }

  async all(): Promise<Map<string, MonthlyCap>> {
    const { rows } = await this.db.query<{ name: string; monthly_images: number | null }>('SELECT name, monthly_images FROM budgets');
    return new Map(rows.map((row) => [row.name, row.monthly_images ?? 'unlimited']));
  }
}

class PostgresPresets implements TeamPresets {
  constructor(private readonly db: Queryable) {}

  async list(): Promise<TeamPreset[]> {
    return (await this.db.query<TeamPreset>('SELECT id, label, prompt FROM team_presets ORDER BY seq')).rows;
  }

  async add(preset: Omit<TeamPreset, 'id'>): Promise<TeamPreset> {
    const added = { id: newPresetId(), ...preset };
    await this.db.query('INSERT INTO team_presets (id, label, prompt) VALUES ($1, $2, $3)', [added.id, added.label, added.prompt]);
    return added;
  }

  async remove(id: string): Promise<boolean> {
    return ((await this.db.query('DELETE FROM team_presets WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }
}

export function postgresTeamRecords(db: Queryable): TeamRecords {
  return { usage: new PostgresUsage(db), budgets: new PostgresBudgets(db), presets: new PostgresPresets(db) };
}
