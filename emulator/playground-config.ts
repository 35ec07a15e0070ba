/**
 * What `npm start` hands the playground page: the relay it started, and this machine's access
 * token when the relay needs one. Served by the emulator to its own page only, never written into
 * the Figma document (the emulated one included) or the project.
 */
export interface PlaygroundConfig {
  relayUrl: string;
  accessToken?: string;
}

type StoredSettings = Record<string, unknown>;

function isBlank(value: unknown): boolean {
  return typeof value !== 'string' || value.trim() === '';
}

/**
 * The plugin's stored settings with the playground's relay put in where the designer has not set
 * their own: a field left empty, the plugin's default URL, or what the playground itself put there
 * last time (the relay since started on another port, or its token made again). Undefined when
 * nothing changes, so a designer's own relay and token are never overwritten, and the token never
 * goes to another relay.
 */
export function seededSettings(stored: unknown, config: PlaygroundConfig, previous: Partial<PlaygroundConfig>, defaultRelayUrl: string): StoredSettings | undefined {
  const settings: StoredSettings = typeof stored === 'object' && stored !== null ? { ...(stored as StoredSettings) } : {};
  const notTheirs = (field: keyof PlaygroundConfig, fallback?: string) =>
    isBlank(settings[field]) || settings[field] === fallback || (previous[field] !== undefined && settings[field] === previous[field]);
  let changed = false;
  if (settings.relayUrl !== config.relayUrl && notTheirs('relayUrl', defaultRelayUrl)) {
    settings.relayUrl = config.relayUrl;
    changed = true;
  }
  // The token is for this relay only: never handed to a relay the designer chose.
  const forThisRelay = settings.relayUrl === config.relayUrl;
  if (config.accessToken !== undefined && forThisRelay && settings.accessToken !== config.accessToken && notTheirs('accessToken')) {
    settings.accessToken = config.accessToken;
    changed = true;
  }
  return changed ? settings : undefined;
}
