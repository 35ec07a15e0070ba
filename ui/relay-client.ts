import type { MonthUsage } from '../shared/month-usage';
import type { TeamPreset } from '../shared/team-preset';
import type { RelayMode } from '../shared/protocol';
import type { RequestLimits } from '../shared/request-limits';
import { blockedByFigma, inPluginFrame, listedInManifest } from './network-access';

/** An error whose message a designer can act on. */
export class RelayError extends Error {}

/** No answer at all: the relay is down, or the network between; trying again soon may help. */
export class RelayUnreachableError extends RelayError {}

/** Figma's content security policy stopped the request: trying again cannot help until the manifest lists the relay. */
export class RelayBlockedError extends RelayError {}

export interface RelayConnection {
  relayUrl: string;
  accessToken: string;
}

export interface RelayHealth {
  mode: RelayMode;
  version: string;
  /** What one request may hold; a relay older than the plugin does not say. */
  limits?: RequestLimits;
}

export function relayEndpoint(relayUrl: string, path: string): string {
  const base = relayUrl.trim().endsWith('/') ? relayUrl.trim() : `${relayUrl.trim()}/`;
  return new URL(path, base).toString();
}

/** Why a relay URL cannot be used, or undefined when it can. */
export function relayUrlProblem(relayUrl: string): string | undefined {
  try {
    const url = new URL(relayUrl.trim());
    if (url.protocol === 'http:' || url.protocol === 'https:') return undefined;
  } catch {
    // fall through to the message below
  }
  return 'The relay URL must be a web address such as http://localhost:8787 or https://reimage.example.com.';
}

function authorization(accessToken: string): Record<string, string> {
  return accessToken.trim() ? { Authorization: `Bearer ${accessToken.trim()}` } : {};
}

function statusMessage(status: number, relayUrl: string): string {
  if (status === 401) return 'The relay rejected your access token: ask your admin for a new one and paste it in Settings.';
  if (status === 404) return `There is no Reimage relay at ${relayUrl}: check the Relay URL in Settings.`;
  if (status === 413) return 'The selected layers are too large to send: select fewer or smaller layers.';
  if (status === 429) return 'Too many generations at once: wait a minute and try again.';
  if (status >= 500) return 'The relay could not get an image from the provider. Try again in a minute; if it keeps failing, tell your admin.';
  return `The relay refused the request (HTTP ${status}).`;
}

function unreachableMessage(relayUrl: string, url: string): string {
  // The manifest list in the build may be stale, so it only adds a hint; blockedByFigma has the proof.
  const unlisted = inPluginFrame() && !listedInManifest(url) ? ` If it is running, Figma may be blocking it: manifest.json's networkAccess does not list ${new URL(url).origin}.` : '';
  return `Can't reach the relay at ${relayUrl}. Check that it is running (npm start) and that the Relay URL in Settings is right.${unlisted}`;
}

function blockedMessage(url: string): string {
  const { origin } = new URL(url);
  return (
    `Figma blocked ${origin}: manifest.json's networkAccess must list it. ` +
    'Add it (to allowedDomains, or devAllowedDomains while developing) and run the plugin again, or fix the Relay URL in Settings.'
  );
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** Calls the relay with the designer's token; a network failure becomes a RelayError that says what to check, a block by Figma's policy a RelayBlockedError. */
export async function callRelay(connection: RelayConnection, path: string, init: RequestInit = {}): Promise<Response> {
  const problem = relayUrlProblem(connection.relayUrl);
  if (problem) throw new RelayError(problem);
  const url = relayEndpoint(connection.relayUrl, path);
  try {
    return await fetch(url, { ...init, headers: { ...authorization(connection.accessToken), ...init.headers } });
  } catch (error) {
    if (isAbort(error)) throw error;
    if (await blockedByFigma(url)) throw new RelayBlockedError(blockedMessage(url));
    throw new RelayUnreachableError(unreachableMessage(connection.relayUrl, url));
  }
}

/** The relay's own words for a refused request, or ours when it gave none. */
export async function relayErrorOf(response: Response, relayUrl: string): Promise<RelayError> {
  const body = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
  return new RelayError(body?.error?.message ?? statusMessage(response.status, relayUrl));
}

export async function fetchRelayHealth(connection: RelayConnection): Promise<RelayHealth> {
  // /healthz needs no token, so none is sent: a Relay URL just changed in Settings still holds the old relay's token.
  const response = await callRelay({ relayUrl: connection.relayUrl, accessToken: '' }, 'healthz', { method: 'GET' });
  if (!response.ok) throw await relayErrorOf(response, connection.relayUrl);
  return (await response.json()) as RelayHealth;
}

/** Who the relay takes the caller for: a token's name (with this month's images, from a relay that counts them), or, on a demo relay open to this machine, no one (no token needed). */
export type RelayIdentity = { name: string; usage?: MonthUsage } | { name: null; open: true };

/** A refusal of the access token itself (401): Settings is where it is fixed. */
export class RelayTokenError extends RelayError {}

/** Checks the relay URL and token in Settings without making an image (GET /v1/me). */
export async function fetchRelayIdentity(connection: RelayConnection, signal?: AbortSignal): Promise<RelayIdentity> {
  const response = await callRelay(connection, 'v1/me', { method: 'GET', signal });
  if (response.status === 401) throw new RelayTokenError((await relayErrorOf(response, connection.relayUrl)).message);
  if (!response.ok) throw await relayErrorOf(response, connection.relayUrl);
  return (await response.json()) as RelayIdentity;
}

/** The team's presets; a relay from before team presets (404) has none. */
export async function fetchTeamPresets(connection: RelayConnection, signal?: AbortSignal): Promise<TeamPreset[]> {
  const response = await callRelay(connection, 'v1/presets', { method: 'GET', signal });
  if (response.status === 404) return [];
  if (!response.ok) throw await relayErrorOf(response, connection.relayUrl);
  return ((await response.json()) as { presets: TeamPreset[] }).presets;
}
