/**
 * A relay's public address as an admin gives it (PUBLIC_URL for connection codes, RELAY_URL for an
 * organisation build): an origin and nothing else. Figma's editor is served over https, and
 * browsers block plain-http requests from an https page except to this computer (localhost), so
 * http is for a relay on the designer's own machine only. The relay answers at the root of its
 * origin, so a path ("/v1", the provider-style base URL admins often paste) would make the plugin
 * call "/v1/v1/…".
 */
export type RelayAddress = { origin: string } | { problem: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname);
}

/** The origin `text` names, or what is wrong with it, in words that finish "…: <problem>." */
export function readRelayAddress(text: string, options: { localhostAllowed: boolean }): RelayAddress {
  const trimmed = text.trim();
  if (trimmed === '') return { problem: 'it is empty' };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { problem: `"${trimmed}" is not a web address` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { problem: `"${trimmed}" starts with ${url.protocol}, not https://` };
  if (url.username || url.password) return { problem: `"${url.host}" is preceded by a user name or password, which must not be there` };
  if (url.protocol === 'http:' && !(options.localhostAllowed && isLoopbackUrl(url))) {
    return {
      problem: options.localhostAllowed
        ? `"${trimmed}" uses http://, which Figma allows only for a relay on this computer (http://localhost); use https://`
        : `"${trimmed}" uses http://; an organisation's relay needs https:// (a relay on http://localhost is for development, and the plain npm run build already lets the plugin reach it)`,
    };
  }
  if (url.pathname !== '/' || url.search || url.hash || trimmed.endsWith('?') || trimmed.endsWith('#')) {
    return { problem: `"${trimmed}" has more than the relay's address: give ${url.origin} alone` };
  }
  return { origin: url.origin };
}
