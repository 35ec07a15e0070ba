import type { Budgets } from './budgets';
import type { TeamPresets } from './presets';
import type { UsageLedger } from './usage';

/**
 * What the admin keeps beside the tokens, in the same store: the usage ledger, the monthly budgets
 * and the team presets. Both stores implement it (relay/store/disk/disk-team.ts,
 * relay/store/postgres/postgres-team.ts).
 */
export interface TeamRecords {
  readonly usage: UsageLedger;
  readonly budgets: Budgets;
  readonly presets: TeamPresets;
}
