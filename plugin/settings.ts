import type { Settings } from '../shared/protocol';
import { DEFAULT_SIZE, isImageSize } from '../shared/sizes';
import type { StoredValues } from './storage-queue';

export const SETTINGS_KEY = 'settings';
export const MAX_VARIANTS = 8;
/** How many variants "More variants" and, until the designer picks another count, "Generate variants" ask for. */
export const BATCH_VARIANTS = 4;

/** Set by an organisation build (`RELAY_URL=… npm run build`, build/organisation.ts); absent in the plain build, the tests and the playground's own page. */
declare const REIMAGE_RELAY_URL: string | undefined;

export const DEFAULT_SETTINGS: Settings = {
  // The team's relay in an organisation build; otherwise the one npm start runs on this computer.
  relayUrl: typeof REIMAGE_RELAY_URL === 'string' ? REIMAGE_RELAY_URL : 'http://localhost:8787',
  accessToken: '',
  size: DEFAULT_SIZE,
  sizeChosen: false,
  variants: 1,
  batchVariants: BATCH_VARIANTS,
};

function isVariantCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_VARIANTS;
}

/**
 * Stored settings over the defaults, keeping only values of the right shape. Settings stored before
 * Reimage remembered whether the size was picked: only a size other than the default can have been
 * (the panel started at the default), and a variant count above 1 was the last one picked.
 */
export function mergeSettings(stored: unknown): Settings {
  const value = (typeof stored === 'object' && stored !== null ? stored : {}) as Partial<Record<keyof Settings, unknown>>;
  const size = isImageSize(value.size) ? value.size : DEFAULT_SETTINGS.size;
  const variants = isVariantCount(value.variants) ? value.variants : DEFAULT_SETTINGS.variants;
  return {
    relayUrl: typeof value.relayUrl === 'string' && value.relayUrl.trim() !== '' ? value.relayUrl : DEFAULT_SETTINGS.relayUrl,
    accessToken: typeof value.accessToken === 'string' ? value.accessToken : DEFAULT_SETTINGS.accessToken,
    size,
    sizeChosen: isImageSize(value.size) && (typeof value.sizeChosen === 'boolean' ? value.sizeChosen : value.size !== DEFAULT_SIZE),
    variants,
    batchVariants: isVariantCount(value.batchVariants) && value.batchVariants > 1 ? value.batchVariants : variants > 1 ? variants : BATCH_VARIANTS,
  };
}

export async function loadSettings(store: StoredValues): Promise<Settings> {
  return mergeSettings(await store.read(SETTINGS_KEY));
}

export function saveSettings(store: StoredValues, settings: Settings): Promise<void> {
  return store.write(SETTINGS_KEY, mergeSettings(settings));
}
