import { SIZE_TIERS, type SizeTier } from '../shared/sizes';
import { ConfigError } from './config';

/** What one image costs per size tier, for the usage report's estimate; set by the admin, who knows the provider's prices. */
export type ImagePrices = Record<SizeTier, number>;

const TIER_VARIABLE: Record<SizeTier, string> = { standard: 'PRICE_PER_IMAGE_STANDARD', '2k': 'PRICE_PER_IMAGE_2K', '4k': 'PRICE_PER_IMAGE_4K' };

/** A price variable that is not a price, or a size tier left without one. */
function priceUnreadable(name: string, raw: string | undefined): ConfigError {
  return raw === undefined
    ? new ConfigError(`${name} is not set, and there is no PRICE_PER_IMAGE to fall back on: set PRICE_PER_IMAGE for every size, or a price for each tier.`)
    : new ConfigError(`${name} must be a price per image such as 0.19 (a number, no currency); it is "${raw}".`);
}

function price(name: string, raw: string): number {
  if (!/^\d+(\.\d+)?$/.test(raw.trim())) throw priceUnreadable(name, raw);
  return Number(raw);
}

/**
 * PRICE_PER_IMAGE for every size, or a price per tier (PRICE_PER_IMAGE_STANDARD, _2K, _4K) that
 * overrides it; none set: no estimate. A tier left without a price is refused rather than guessed.
 */
export function imagePrices(env: NodeJS.ProcessEnv): ImagePrices | undefined {
  const set = (name: string) => (env[name]?.trim() ? env[name] : undefined);
  const all = set('PRICE_PER_IMAGE');
  if (all === undefined && SIZE_TIERS.every((tier) => set(TIER_VARIABLE[tier]) === undefined)) return undefined;
  const prices = {} as ImagePrices;
  for (const tier of SIZE_TIERS) {
    const name = TIER_VARIABLE[tier];
    const raw = set(name) ?? all;
    if (raw === undefined) throw priceUnreadable(name, undefined);
    prices[tier] = price(set(name) === undefined ? 'PRICE_PER_IMAGE' : name, raw);
  }
  return prices;
}
