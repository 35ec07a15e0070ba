import { effectiveCap } from '../monthly-budget';
import type { ImagePrices } from '../image-prices';
import type { TokenRecords } from '../store/store';
import type { TeamRecords } from '../store/team';
import { monthOf } from '../usage-month';
import { summarizeUsage } from '../usage-report';
import type { DashboardView, PersonView } from './admin-pages';
import { dailyImages } from './usage-chart';

export interface AdminStore extends TeamRecords {
  readonly tokens: TokenRecords;
}

/** Everything the admin page shows this month, read from the store (never a token or a hash: the store's list has neither). */
export async function loadDashboard(
  store: AdminStore,
  settings: { monthlyImagesPerToken?: number; prices?: ImagePrices; now: number },
): Promise<Omit<DashboardView, 'csrf'>> {
  const month = monthOf(settings.now);
  const [tokens, records, budgets, presets] = await Promise.all([store.tokens.list(), store.usage.between(month.from, month.to), store.budgets.all(), store.presets.list()]);
  const names = tokens.map((token) => token.name);
  const people = summarizeUsage(records, names, settings.prices).map((person): PersonView => {
    const token = tokens.find((t) => t.name === person.name);
    const own = budgets.get(person.name);
    const cap = effectiveCap(own, settings.monthlyImagesPerToken);
    return { ...person, active: token !== undefined, lastUsedAt: token?.lastUsedAt, ...(own === undefined ? {} : { own }), ...(cap === undefined ? {} : { cap }) };
  });
  return { month, people, daily: dailyImages(records, names, month), presets, defaultCap: settings.monthlyImagesPerToken };
}
