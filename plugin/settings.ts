import type { Settings } from '../shared/protocol';
import { DEFAULT_SIZE, isImageSize } from '../shared/sizes';
import type { FigmaApi } from './figma-api';

const SETTINGS_KEY = 'settings';

export const DEFAULT_SETTINGS: Settings = {
  relayUrl: 'http://localhost:8787',
  accessToken: '',
  size: DEFAULT_SIZE,
};

/** Stored settings over the defaults, keeping only values of the right shape. */
export function mergeSettings(stored: unknown): Settings {
  const value = (typeof stored === 'object' && stored !== null ? stored : {}) as Partial<Record<keyof Settings, unknown>>;
  return {
    relayUrl: typeof value.relayUrl === 'string' && value.relayUrl.trim() !== '' ? value.relayUrl : DEFAULT_SETTINGS.relayUrl,
    accessToken: typeof value.accessToken === 'string' ? value.accessToken : DEFAULT_SETTINGS.accessToken,
    size: isImageSize(value.size) ? value.size : DEFAULT_SETTINGS.size,
  };
}

export async function loadSettings(figma: FigmaApi): Promise<Settings> {
  return mergeSettings(await figma.clientStorage.getAsync(SETTINGS_KEY));
}

export async function saveSettings(figma: FigmaApi, settings: Settings): Promise<void> {
  await figma.clientStorage.setAsync(SETTINGS_KEY, mergeSettings(settings));
}
