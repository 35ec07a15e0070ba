import { monthUsageText } from '../shared/month-usage';
import { type RelayIdentity, RelayTokenError } from './relay-client';

/** What Settings knows of the relay URL and token it holds: being checked, accepted, or refused and why. */
export type ConnectionStatus =
  | { state: 'checking' }
  | { state: 'connected'; identity: RelayIdentity }
  | { state: 'problem'; message: string; tokenRejected: boolean };

export function connectionProblem(error: unknown): ConnectionStatus {
  const message = error instanceof Error ? error.message : String(error);
  return { state: 'problem', message, tokenRejected: error instanceof RelayTokenError };
}

/** The words Settings shows under the token: who the relay takes you for, or what is wrong (in the relay's own words when it gave some). */
export function connectionText(status: ConnectionStatus): string {
  if (status.state === 'checking') return 'Checking the relay and your token…';
  if (status.state === 'problem') return status.message;
  const { identity } = status;
  if (identity.name === null) return 'Open demo relay on this computer: no token needed.';
  return identity.usage ? `Connected as ${identity.name} · ${monthUsageText(identity.usage)}` : `Connected as ${identity.name}`;
}
