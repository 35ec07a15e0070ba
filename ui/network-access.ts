import { networkAccess } from '../manifest.json';

/**
 * Whether Figma, not the network, stopped a request. Figma runs the UI under a content security
 * policy built from manifest.json's `networkAccess`, and a blocked fetch fails with the same bare
 * TypeError as a relay that is down; the designer needs to hear which of the two it is.
 *
 * The proof is the browser's `securitypolicyviolation` event, which names the URL the policy
 * blocked. It is the real policy speaking, whatever Figma built it from (allowedDomains, plus
 * devAllowedDomains only for a plugin in development, plus anything Figma adds), and it reaches
 * this document however Figma nests its iframe, since the policy applies to the document that
 * fetched. Chromium fires it a few milliseconds after the fetch failed, so we wait for it briefly.
 * The manifest's list baked into the build is no proof: it goes stale when manifest.json is
 * edited without a rebuild (the emulator's tests add origins that way), and it cannot know whether
 * Figma runs the plugin in development. It only adds a hint to the "can't reach" message.
 */

/** How long a blocked fetch waits for its violation event (Chromium: under 10 ms). */
const VIOLATION_WAIT_MS = 150;

const reported = new Set<string>();
const waiting = new Set<() => void>();

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

if (typeof document !== 'undefined') {
  document.addEventListener('securitypolicyviolation', (event) => {
    const origin = originOf(event.blockedURI);
    if (!origin) return;
    reported.add(origin);
    waiting.forEach((wake) => wake());
  });
}

function reportedWithin(origin: string, ms: number): Promise<boolean> {
  if (reported.has(origin)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      waiting.delete(check);
      resolve(reported.has(origin));
    };
    const check = () => reported.has(origin) && done();
    const timer = setTimeout(done, ms);
    waiting.add(check);
  });
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

/**
 * Whether a manifest entry lets a URL through, read as the CSP source expression Figma makes of
 * it: "https://relay.example.com", "*.example.com" (subdomains), "example.com/api/" (a path
 * prefix), "localhost:8787"; without a scheme, http and https both match.
 */
function entryAllows(entry: string, url: URL): boolean {
  if (entry === '*') return true;
  const match = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*\.)?([^/:]+)(?::(\d+|\*))?(\/.*)?$/i.exec(entry.trim());
  if (!match) return false;
  const [, scheme, wildcard, host, port, path] = match;
  const protocol = url.protocol;
  if (scheme ? `${scheme.toLowerCase()}:` !== protocol : !['http:', 'https:'].includes(protocol)) return false;
  const hostname = url.hostname.toLowerCase();
  const wanted = host.toLowerCase();
  if (wildcard ? !hostname.endsWith(`.${wanted}`) : hostname !== wanted) return false;
  const urlPort = url.port || DEFAULT_PORTS[protocol];
  if (port !== '*' && (port ?? DEFAULT_PORTS[protocol]) !== urlPort) return false;
  if (!path) return true;
  return path.endsWith('/') ? url.pathname.startsWith(path) : url.pathname === path;
}

/** Whether the manifest's networkAccess lets the UI fetch `url` (devAllowedDomains count while developing). */
export function listedInManifest(url: string, access: { allowedDomains: string[]; devAllowedDomains?: string[] } = networkAccess): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return [...access.allowedDomains, ...(access.devAllowedDomains ?? [])].some((entry) => entry !== 'none' && entryAllows(entry, parsed));
}

/** Whether the UI runs in Figma's plugin iframe (origin "null"), where the manifest's policy applies. */
export function inPluginFrame(): boolean {
  return typeof document !== 'undefined' && self.origin === 'null';
}

/** After a fetch of `url` failed without an answer: whether Figma's policy blocked it. */
export async function blockedByFigma(url: string): Promise<boolean> {
  const origin = originOf(url);
  return origin !== undefined && inPluginFrame() && (await reportedWithin(origin, VIOLATION_WAIT_MS));
}
