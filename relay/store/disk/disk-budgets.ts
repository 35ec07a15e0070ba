import type { Budgets, MonthlyCap } from '../budgets';
import { AppendLog } from './append-log';

interface BudgetChange {
  name: string;
  /** null: back to the default. */
  cap: MonthlyCap | null;
}

/** Monthly caps on disk: RELAY_DATA_DIR/budgets.jsonl, one line per change, the last one per name counting. */
export class DiskBudgets implements Budgets {
  private readonly log: AppendLog<BudgetChange>;

  constructor(file: string) {
    this.log = new AppendLog(file);
  }

  async get(name: string): Promise<MonthlyCap | undefined> {
    return (await this.all()).get(name);
  }

  set(name: string, cap: MonthlyCap | undefined): Promise<void> {
    return this.log.append({ name, cap: cap ?? null });
  }

  async all(): Promise<Map<string, MonthlyCap>> {
    const caps = new Map<string, MonthlyCap>();
    for (const { name, cap } of await this.log.read()) {
      if (cap === null) caps.delete(name);
      else caps.set(name, cap);
    }
    return caps;
  }
}
