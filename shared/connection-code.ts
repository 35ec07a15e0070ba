import { readRelayAddress } from './relay-address';

/**
 * A connection code is a relay's address with a designer's access token as its fragment
 * ("https://relay.example.com#rmg_…"): one thing to paste, in Settings, for both. The token sits
 * in the fragment because a browser never sends a fragment to the server, so a code opened by
 * mistake, or previewed by a chat app, still keeps the token off the wire and out of server logs.
 */
export interface Connection {
  relayUrl: string;
  accessToken: string;
}

export type ReadCode = { connection: Connection } | { problem: string };

export const CONNECTION_CODE_SHAPE = 'A connection code looks like https://relay.example.com#rmg_…; ask your admin for yours.';

/** As relay/tokens.ts makes them: "rmg_" and 32 random bytes in base64url (43 characters). */
const ACCESS_TOKEN = /^rmg_[A-Za-z0-9_-]{43}$/;
const TOKEN_PREFIX = 'rmg_';
const TOKEN_LENGTH = TOKEN_PREFIX.length + 43;

/** The code for a relay's origin (checked by readRelayAddress) and one of its tokens. */
export function connectionCode(relayOrigin: string, accessToken: string): string {
  return `${relayOrigin}#${accessToken}`;
}

function tokenProblem(token: string): string | undefined {
  if (token === '') return 'it has no access token after the #';
  if (!token.startsWith(TOKEN_PREFIX)) return 'the part after the # is not an access token (they start with rmg_)';
  if (token.length < TOKEN_LENGTH) return `its access token is ${token.length} characters long, not ${TOKEN_LENGTH}: it may have been cut off when it was copied`;
  if (token.length > TOKEN_LENGTH) return `its access token is ${token.length} characters long, not ${TOKEN_LENGTH}: something was added after it`;
  if (!ACCESS_TOKEN.test(token)) return 'its access token holds characters tokens never have (only letters, digits, - and _)';
  return undefined;
}

function notACode(problem: string): ReadCode {
  return { problem: `That is not a connection code: ${problem}. ${CONNECTION_CODE_SHAPE}` };
}

/** The relay and token a pasted code names, or why it is not a code (and what one looks like). */
export function readConnectionCode(text: string): ReadCode {
  const trimmed = text.trim();
  if (trimmed === '') return notACode('the field is empty');
  const hash = trimmed.indexOf('#');
  if (hash === -1) {
    return notACode(trimmed.startsWith(TOKEN_PREFIX) ? "this is an access token alone, without the relay's address" : "it has no # and access token after the relay's address");
  }
  if (hash === 0) return notACode('it has no relay address before the #');
  const address = readRelayAddress(trimmed.slice(0, hash), { localhostAllowed: true });
  if ('problem' in address) return notACode(address.problem);
  const problem = tokenProblem(trimmed.slice(hash + 1));
  if (problem) return notACode(problem);
  return { connection: { relayUrl: address.origin, accessToken: trimmed.slice(hash + 1) } };
}
