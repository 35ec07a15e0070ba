import type { Settings } from '../shared/protocol';
import { DEFAULT_SIZE, isImageSize } from '../shared/sizes';
import type { StoredValues } from './storage-queue';

export const SETTINGS_KEY = 'settings';
export const MAX_VARIANTS = 8;

export const DEFAULT_SETTINGS: Settings = {
  relayUrl: 'http://localhost:8787',
  accessToken: '',
  size: DEFAULT_SIZE,
  variants: 1,
};

function isVariantCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_VARIANTS;
}

/** Stored settings over the defaults, keeping only values of the right shape. */
export function mergeSettings(stored: unknown): Settings {
  const value = (typeof stored === 'object' && stored !== null ? stored : {}) as Partial<Record<keyof Settings, unknown>>;
  return {
    relayUrl: typeof value.relayUrl === 'string' && value.relayUrl.trim() !== '' ? value.relayUrl : DEFAULT_SETTINGS.relayUrl,
    accessToken: typeof value.accessToken === 'string' ? value.accessToken : DEFAULT_SETTINGS.accessToken,
    size: isImageSize(value.size) ? value.size : DEFAULT_SETTINGS.size,
    variants: isVariantCount(value.variants) ? value.variants : DEFAULT_SETTINGS.variants,
  };
}

export async function loadSettings(store: StoredValues): Promise<Settings> {
  return mergeSettings(await store.read(SETTINGS_KEY));
}

export function saveSettings(store: StoredValues, settings: Settings): Promise<void> {
  return store.write(SETTINGS_KEY, mergeSettings(settings));
}
