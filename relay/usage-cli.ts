import { ConfigError } from './config';
import { UsageCommandError } from './errors';
import type { ImagePrices } from './image-prices';
import type { TokenRecords } from './store/store';
import type { TeamRecords } from './store/team';
import { monthOf, parseMonth, type UsageMonth } from './usage-month';
import { summarizeUsage, usageCsv, usageTable } from './usage-report';

const USAGE = [
  'Usage:',
  '  npm run relay -- usage                     this month, per person: images made and failed, provider time',
  '  npm run relay -- usage --month 2026-11     another month (YYYY-MM, UTC)',
  '  npm run relay -- usage --csv               the same as CSV, for a spreadsheet',
  'Set PRICE_PER_IMAGE (or PRICE_PER_IMAGE_STANDARD, _2K, _4K) for an estimated cost.',
].join('\n');

interface UsageArgs {
  month?: string;
  csv: boolean;
}

function readArgs(args: readonly string[]): UsageArgs {
  const read: UsageArgs = { csv: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--csv') read.csv = true;
    else if (arg === '--month' && args[i + 1] !== undefined && read.month === undefined) read.month = args[++i];
    else if (arg.startsWith('--month=') && read.month === undefined) read.month = arg.slice('--month='.length);
    else throw new UsageCommandError(`"${arg}" is not an option of usage.\n${USAGE}`);
  }
  return read;
}

export interface UsageCommandStore extends TeamRecords {
  readonly tokens: TokenRecords;
}

/** `usage [--month YYYY-MM] [--csv]`: prints the month's report to `out`, or what is wrong to `err`; returns the exit code. */
export async function runUsageCommand(
  args: readonly string[],
  store: UsageCommandStore,
  prices: () => ImagePrices | undefined,
  now: number,
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<number> {
  try {
    const options = readArgs(args);
    const month: UsageMonth = options.month === undefined ? monthOf(now) : parseMonth(options.month);
    const [records, tokens] = await Promise.all([store.usage.between(month.from, month.to), store.tokens.list()]);
    const people = summarizeUsage(records, tokens.map((t) => t.name), prices());
    out(options.csv ? usageCsv(month.label, people) : usageTable(month.label, people));
    return 0;
  } catch (error) {
    if (!(error instanceof UsageCommandError || error instanceof ConfigError)) throw error;
    err(error.message);
    return 2;
  }
}
