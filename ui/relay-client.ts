import { base64ToBytes } from './base64';

/** An error whose message a designer can act on. */
export class RelayError extends Error {}

export interface RelayConnection {
  relayUrl: string;
  accessToken: string;
}

export interface RelayHealth {
  mode: 'demo' | 'live';
  version: string;
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

async function callRelay(connection: RelayConnection, path: string, init: RequestInit): Promise<Response> {
  const problem = relayUrlProblem(connection.relayUrl);
  if (problem) throw new RelayError(problem);
  try {
    return await fetch(relayEndpoint(connection.relayUrl, path), {
      ...init,
      headers: { ...authorization(connection.accessToken), ...init.headers },
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new RelayError(
      `Can't reach the relay at ${connection.relayUrl}. Check that it is running (npm start) and that the Relay URL in Settings is right.`,
    );
  }
}

/** Sends an edit form to the relay and returns the PNG it answers with. */
export async function requestEdit(connection: RelayConnection, form: FormData, signal?: AbortSignal): Promise<Uint8Array> {
  const response = await callRelay(connection, 'v1/images/edits', { method: 'POST', body: form, signal });
  const body = (await response.json().catch(() => undefined)) as
    | { data?: { b64_json?: string }[]; error?: { message?: string } }
    | undefined;
  if (!response.ok) throw new RelayError(body?.error?.message ?? statusMessage(response.status, connection.relayUrl));
  const base64 = body?.data?.[0]?.b64_json;
  if (typeof base64 !== 'string' || base64 === '') {
    throw new RelayError('The relay answered without an image. Try again; if it keeps happening, tell your admin.');
  }
  return base64ToBytes(base64);
}

export async function fetchRelayHealth(connection: RelayConnection): Promise<RelayHealth> {
  const response = await callRelay(connection, 'healthz', { method: 'GET' });
  if (!response.ok) throw new RelayError(statusMessage(response.status, connection.relayUrl));
  return (await response.json()) as RelayHealth;
}
