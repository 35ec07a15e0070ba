import { connectionCode } from '../shared/connection-code';
import { ConfigError } from './config';
import { noSuchToken, TokenError } from './errors';
import { parseMonthlyImages } from './monthly-budget';
import type { MonthlyCap } from './store/budgets';
import type { TokenStoreHandle } from './store/store';
import { publicOrigin } from './team-config';
import { createToken, revokeToken } from './tokens';

const USAGE = [
  'Usage:',
  '  npm run relay -- token create <name> [--monthly-images N]   make a token for one person and print it once',
  '  npm run relay -- token set <name> --monthly-images N        change their monthly budget (a number, unlimited, or default)',
  '  npm run relay -- token list                                 names, creation dates, usage and budgets',
  '  npm run relay -- token revoke <name>                        stop a token working, at once',
].join('\n');

type TokenCommandStore = Pick<TokenStoreHandle, 'tokens' | 'budgets'>;

async function listing(store: TokenCommandStore): Promise<string> {
  const [tokens, budgets] = await Promise.all([store.tokens.list(), store.budgets.all()]);
  if (tokens.length === 0) {
    return 'No tokens yet. Create one per person with: npm run relay -- token create <name>\n' +
      'Without tokens only a demo relay listening on this machine alone (127.0.0.1) accepts requests; a live relay makes a token for this machine\'s user on its first start.';
  }
  const rows = tokens.map((t) => [t.name, t.createdAt, String(t.requests), t.lastUsedAt ?? 'never', String(budgets.get(t.name) ?? 'default')]);
  const table = [['name', 'created', 'requests', 'last used', 'monthly images'], ...rows];
  const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
  return table.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}

/** `--monthly-images N` as the only option, or none (undefined); anything else is not understood. */
function monthlyImagesOption(extra: readonly string[]): MonthlyCap | 'default' | undefined | 'unknown' {
  if (extra.length === 0) return undefined;
  if (extra.length === 2 && extra[0] === '--monthly-images') return parseMonthlyImages(extra[1]);
  if (extra.length === 1 && extra[0].startsWith('--monthly-images=')) return parseMonthlyImages(extra[0].slice('--monthly-images='.length));
  return 'unknown';
}

function budgetText(cap: MonthlyCap | 'default'): string {
  if (cap === 'default') return 'the default (MONTHLY_IMAGES_PER_TOKEN)';
  return cap === 'unlimited' ? 'unlimited' : `${cap} images a month`;
}

/** `token create|set|list|revoke`: prints to `out` or `err` and returns the exit code. */
export async function runTokenCommand(args: readonly string[], store: TokenCommandStore, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  const [command, name, ...extra] = args;
  try {
    if (command === 'create' && name && !name.startsWith('--')) {
      // Checked before the token exists, so a mistyped PUBLIC_URL or budget never leaves a token nobody saw.
      const origin = publicOrigin(process.env);
      const cap = monthlyImagesOption(extra);
      if (cap !== 'unknown') {
        const token = await createToken(store.tokens, name);
        if (cap !== undefined && cap !== 'default') await store.budgets.set(name, cap);
        out(`Created the token "${name}"${cap === undefined ? '' : ` (monthly budget: ${budgetText(cap)})`}. It is shown only this once; hand it to ${name} privately:\n\n${token}\n\n` +
          (origin
            ? `or, simpler, their connection code, which sets up the relay and the token in one paste:\n\n${connectionCode(origin, token)}\n\n` +
              'They paste the code in Reimage → Settings → Connection code (or the token alone in Access token). '
            : 'They paste it in Reimage → Settings → Access token. Set PUBLIC_URL to this relay\'s address (PUBLIC_URL=https://relay.example.com) ' +
              'to get a connection code as well: one paste that sets both the Relay URL and the token. ') +
          'To stop it working: npm run relay -- token revoke ' + name);
        return 0;
      }
    }
    if (command === 'set' && name) {
      const cap = monthlyImagesOption(extra);
      if (cap !== undefined && cap !== 'unknown') {
        if (!(await store.tokens.list()).some((token) => token.name === name)) throw noSuchToken(name);
        await store.budgets.set(name, cap === 'default' ? undefined : cap);
        out(`${name}'s monthly budget is now ${budgetText(cap)}, from their next request on.`);
        return 0;
      }
    }
    if (command === 'list' && name === undefined) {
      out(await listing(store));
      return 0;
    }
    if (command === 'revoke' && name && extra.length === 0) {
      await revokeToken(store.tokens, name);
      out(`Revoked the token "${name}": the relay refuses it from its next request on.`);
      return 0;
    }
  } catch (error) {
    if (!(error instanceof TokenError || error instanceof ConfigError)) throw error;
    err(`${error.message}${error instanceof ConfigError ? ' No token was created.' : ''}`);
    return 1;
  }
  err(USAGE);
  return 2;
}
