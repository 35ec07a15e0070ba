import type { ImageKind } from '../image-request';

/** How a provider call ended: only `succeeded` made an image (and counts against a monthly budget). */
export type UsageOutcome = 'succeeded' | 'failed' | 'cancelled';

/** One provider call, as the usage ledger keeps it: who, what, how it went. Never a prompt, never a token. */
export interface UsageRecord {
  /** When the provider call ended (ISO 8601, UTC). */
  at: string;
  /** The token's name. */
  client: string;
  kind: ImageKind;
  /** The size asked for (`1024x1024`, `auto`). */
  size: string;
  /** Reference images sent (0 for a generation). */
  references: number;
  outcome: UsageOutcome;
  /** How long the provider took, from the call to its answer (or its failure). */
  providerMs: number;
  /** Bytes of the references sent. */
  bytesIn: number;
  /** Bytes of the PNG made (0 unless it succeeded). */
  bytesOut: number;
}

/**
 * The usage ledger: one record per provider call, kept for good (a team's scale is a few thousand
 * calls a month). Written by the job manager where a call ends, read by `usage`, the admin page,
 * GET /v1/me and the monthly budget.
 */
export interface UsageLedger {
  /** Appends a record; resolves once it is durable. Rejects when it could not be written (the caller logs it; the call's image is not lost). */
  record(entry: UsageRecord): Promise<void>;
  /** The records whose `at` is in [from, to), oldest first. */
  between(from: Date, to: Date): Promise<UsageRecord[]>;
  /** How many images (outcome `succeeded`) `client` made since `from`. */
  madeSince(client: string, from: Date): Promise<number>;
}
