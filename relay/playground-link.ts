import { isLoopback } from './config';

/** Set by `npm start` on the relay it runs beside the playground, which listens for this message. */
export const PLAYGROUND_ENV = 'REIMAGE_PLAYGROUND';

/** What the relay tells `npm start` once it listens: where the plugin reaches it, and this machine's token. */
export interface RelayListening {
  type: 'relay-listening';
  url: string;
  accessToken?: string;
}

export function isRelayListening(message: unknown): message is RelayListening {
  const value = message as Partial<RelayListening> | null;
  return typeof value === 'object' && value !== null && value.type === 'relay-listening' && typeof value.url === 'string';
}

/** The relay's address as the plugin on this machine uses it: localhost, as manifest.json's devAllowedDomains names it. */
export function localRelayUrl(host: string, port: number): string {
  if (isLoopback(host) || host === '0.0.0.0' || host === '::') return `http://localhost:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Hands the playground its relay, over the IPC channel `npm start` opened, and only to it: the
 * token never goes to the console, a file of the project or the Figma file. Nothing is sent when
 * the relay runs on its own.
 */
export function tellPlayground(message: RelayListening): void {
  if (process.env[PLAYGROUND_ENV] !== '1' || !process.send) return;
  process.send(message, () => process.disconnect());
}
