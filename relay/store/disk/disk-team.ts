import { join } from 'node:path';
import type { TeamRecords } from '../team';
import { DiskBudgets } from './disk-budgets';
import { DiskPresets } from './disk-presets';
import { DiskUsage } from './disk-usage';

/** The team records as append-only files in the data directory (0600, like the rest of it). */
export function diskTeamRecords(dataDir: string): TeamRecords {
  return {
    usage: new DiskUsage(join(dataDir, 'usage.jsonl')),
    budgets: new DiskBudgets(join(dataDir, 'budgets.jsonl')),
    presets: new DiskPresets(join(dataDir, 'presets.jsonl')),
  };
}
