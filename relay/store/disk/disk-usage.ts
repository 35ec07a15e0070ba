import type { UsageLedger, UsageRecord } from '../usage';
import { AppendLog } from './append-log';

/**
 * The usage ledger on disk: RELAY_DATA_DIR/usage.jsonl, one line (about 200 bytes) per provider
 * call, never rewritten. A team making a few thousand images a month adds well under a megabyte a
 * month; reading it whole for a report stays quick for years of that.
 */
export class DiskUsage implements UsageLedger {
  private readonly log: AppendLog<UsageRecord>;

  constructor(file: string) {
    this.log = new AppendLog(file);
  }

  record(entry: UsageRecord): Promise<void> {
    return this.log.append(entry);
  }

  async between(from: Date, to: Date): Promise<UsageRecord[]> {
    const [start, end] = [from.getTime(), to.getTime()];
    return (await this.log.read()).filter((entry) => {
      const at = Date.parse(entry.at);
      return at >= start && at < end;
    });
  }

  async madeSince(client: string, from: Date): Promise<number> {
    const start = from.getTime();
    return (await this.log.read()).filter((entry) => entry.client === client && entry.outcome === 'succeeded' && Date.parse(entry.at) >= start).length;
  }
}
