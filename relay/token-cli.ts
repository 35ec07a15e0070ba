import { connectionCode } from '../shared/connection-code';
import { readRelayAddress } from '../shared/relay-address';
import { TokenError } from './errors';
import type { TokenRecords } from './store/store';
import { createToken, revokeToken } from './tokens';

const USAGE = [
  'Usage:',
  '  npm run relay -- token create <name>   make a token for one person and print it once',
  '  npm run relay -- token list            names, creation dates and usage',
  '  npm run relay -- token revoke <name>   stop a token working, at once',
].join('\n');

async function listing(store: TokenRecords): Promise<string> {
  const tokens = await store.list();
  if (tokens.length === 0) {
    return 'No tokens yet. Create one per person with: npm run relay -- token create <name>\n' +
      'Without tokens only a demo relay listening on this machine alone (127.0.0.1) accepts requests; a live relay makes a token for this machine\'s user on its first start.';
  }
  const rows = tokens.map((t) => [t.name, t.createdAt, String(t.requests), t.lastUsedAt ?? 'never']);
  const table = [['name', 'created', 'requests', 'last used'], ...rows];
  const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
  return table.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}

/** `token create|list|revoke`: prints to `out` or `err` and returns the exit code. */
export async function runTokenCommand(args: readonly string[], store: TokenRecords, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  const [command, name, ...extra] = args;
  try {
    if (command === 'create' && name && extra.length === 0) {
      // Checked before the token exists, so a mistyped PUBLIC_URL never leaves a token nobody saw.
      const publicUrl = process.env.PUBLIC_URL?.trim();
      const address = publicUrl ? readRelayAddress(publicUrl, { localhostAllowed: true }) : undefined;
      if (address && 'problem' in address) {
        err(`PUBLIC_URL must be this relay's address as designers reach it, such as https://relay.example.com: ${address.problem}. No token was created.`);
        return 1;
      }
      const token = await createToken(store, name);
      out(`Created the token "${name}". It is shown only this once; hand it to ${name} privately:\n\n${token}\n\n` +
        (address
          ? `or, simpler, their connection code, which sets up the relay and the token in one paste:\n\n${connectionCode(address.origin, token)}\n\n` +
            'They paste the code in Reimage → Settings → Connection code (or the token alone in Access token). '
          : 'They paste it in Reimage → Settings → Access token. Set PUBLIC_URL to this relay\'s address (PUBLIC_URL=https://relay.example.com) ' +
            'to get a connection code as well: one paste that sets both the Relay URL and the token. ') +
        'To stop it working: npm run relay -- token revoke ' + name);
      return 0;
    }
    if (command === 'list' && name === undefined) {
      out(await listing(store));
      return 0;
    }
    if (command === 'revoke' && name && extra.length === 0) {
      await revokeToken(store, name);
      out(`Revoked the token "${name}": the relay refuses it from its next request on.`);
      return 0;
    }
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    err(error.message);
    return 1;
  }
  err(USAGE);
  return 2;
}
