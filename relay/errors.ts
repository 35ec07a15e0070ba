/** An error the relay answers with, in OpenAI's shape, carrying a message a designer can act on. */
export class RelayHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param?: string,
    readonly headers: Record<string, string> = {},
    /** More for a client that reads it (a budget's cap and reset date), beside the message. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  get type(): string {
    return this.status >= 500 ? 'server_error' : 'invalid_request_error';
  }

  toResponse(): Response {
    const error = { message: this.message, type: this.type, code: this.code, ...(this.param ? { param: this.param } : {}), ...this.details };
    return Response.json({ error }, { status: this.status, headers: this.headers });
  }
}

interface ProviderErrorBody {
  error?: { message?: unknown; code?: unknown };
}

function providerMessage(body: unknown): string | undefined {
  const message = (body as ProviderErrorBody | undefined)?.error?.message;
  return typeof message === 'string' && message.trim() !== '' ? message : undefined;
}

/** Maps a failed provider answer to what the relay tells its client, never blaming the client for the relay's key. */
export function providerError(status: number, body: unknown, retryAfter: string | null): RelayHttpError {
  const message = providerMessage(body);
  const code = (body as ProviderErrorBody | undefined)?.error?.code;
  if (status === 401 || status === 403) {
    return new RelayHttpError(502, 'provider_auth_failed', "The relay's provider key was rejected by LLMEasy. Tell your admin: the relay's LLMEASY_API_KEY needs to be replaced.");
  }
  if (status === 429) {
    return new RelayHttpError(429, 'provider_rate_limited', 'The image provider is busy or over its quota. Wait a minute and try again.', undefined, {
      'Retry-After': retryAfter ?? '60',
    });
  }
  if (status >= 400 && status < 500) {
    const refusal = message ? `The image provider refused the request: ${message}` : `The image provider refused the request (HTTP ${status}).`;
    return new RelayHttpError(400, typeof code === 'string' ? code : 'provider_rejected', `${refusal} Change the prompt or references and try again.`);
  }
  return new RelayHttpError(502, 'provider_unavailable', `The image provider failed (HTTP ${status}). Try again in a minute.`);
}

/** A job left unfinished by an instance that stopped or died; its designer must ask again. */
export const INTERRUPTED_MESSAGE = 'The relay restarted while this image was being made; it was not finished. Generate again.';

/** How an abandoned job ends, as the store writes it (relay/store/store.ts: `failAbandoned`). */
export function interruptedJobError(): { message: string; type: string; code: string } {
  return { message: INTERRUPTED_MESSAGE, type: 'server_error', code: 'relay_restarted' };
}

/** A database outage is usually short (a failover, a restart): the plugin tries again by itself. */
const STORE_RETRY_SECONDS = 10;

/** The store cannot reach its backing data just now (the database is down); a request answers 503 and is tried again. */
export class StoreUnavailableError extends RelayHttpError {
  constructor() {
    super(
      503,
      'store_unavailable',
      'The relay cannot reach its database just now, so it cannot take or look up images. Try again in a minute; finished images are kept. If it keeps failing, tell your admin.',
      undefined,
      { 'Retry-After': String(STORE_RETRY_SECONDS) },
    );
  }
}

/** The store could not be opened (a wrong DATABASE_URL, a database that is down, an unwritable data directory); the message says what to fix. */
export class StoreOpenError extends Error {}

/** A token command that cannot be done as asked, with what to do instead. */
export class TokenError extends Error {}

export function tokenNameUnusable(name: string): TokenError {
  return new TokenError(`"${name}" is not a usable token name: use 1 to 64 letters, digits, dots, dashes, underscores or @, starting with a letter or digit.`);
}

export function tokenNameReserved(name: string): TokenError {
  return new TokenError(`"${name}" is a name the relay uses itself. Pick another name for the token.`);
}

export function tokenNameTaken(name: string): TokenError {
  return new TokenError(`A token named "${name}" already exists. Revoke it first, or pick another name.`);
}

export function noSuchToken(name: string): TokenError {
  return new TokenError(`There is no token named "${name}". See the names with: npm run relay -- token list`);
}

const DATABASE_URL_FORM = 'postgres://user:password@host:5432/database';

/** DATABASE_URL cannot be a PostgreSQL URL; `reason` says what is wrong with it (never its password). */
export function databaseUrlInvalid(reason: string): StoreOpenError {
  return new StoreOpenError(`DATABASE_URL is not a PostgreSQL URL (${reason}). Write it as ${DATABASE_URL_FORM}, or unset it to keep everything in RELAY_DATA_DIR.`);
}

/**
 * Why the relay could not open its PostgreSQL database at `where` (user@host:port/database, no
 * password), with what to check, from the driver's error: its SQLSTATE or its network code.
 */
export function databaseOpenError(where: string, user: string, database: string, cause: unknown): StoreOpenError {
  const { code, message } = (cause ?? {}) as { code?: string; message?: string };
  const detail = (() => {
    if (code === '28P01' || code === '28000') return `it refused the user "${user}" (wrong password, or no access). Check the user and password in DATABASE_URL.`;
    if (code === '3D000') return `it has no database "${database}". Create it (createdb ${database}) or fix the database name in DATABASE_URL.`;
    if (code === 'ECONNREFUSED') return 'nothing answers there (connection refused). Check that PostgreSQL is running and that the host and port in DATABASE_URL are right.';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return "its host name does not resolve. Check the host in DATABASE_URL.";
    if (code === '57P03') return 'it is starting up or shutting down. Start the relay again in a moment.';
    if (code === 'ETIMEDOUT' || /timeout/i.test(message ?? '')) return 'it did not answer in time. Check that PostgreSQL is running and reachable from this machine (host, port, firewall).';
    return `${message ?? String(cause)}. Check DATABASE_URL and the database's log.`;
  })();
  return new StoreOpenError(`cannot use the PostgreSQL database at ${where}: ${detail}`);
}

/** A schema migration that could not be applied (relay/store/postgres/migrate.ts); nothing of it was kept. */
export class MigrationError extends Error {}

export function migrationFailed(name: string, cause: unknown): MigrationError {
  return new MigrationError(`migration ${name} failed: ${(cause as Error).message}. Nothing of it was kept; fix the cause and start again.`, { cause });
}

export function schemaTooNew(version: number, newest: number): MigrationError {
  return new MigrationError(`the database's schema is at version ${version}, newer than this relay knows (${newest}): a newer relay migrated it. Run that version of the relay.`);
}

/** A `usage` command that cannot be done as asked, with what is expected. */
export class UsageCommandError extends Error {}

export function monthUnreadable(text: string): UsageCommandError {
  return new UsageCommandError(`"${text}" is not a month: give it as YYYY-MM, such as 2026-12 (months are UTC).`);
}

export function monthlyImagesUnreadable(text: string): TokenError {
  return new TokenError(
    `"${text}" is not a monthly budget: give a whole number of images from 0 to 1000000 (such as 200), "unlimited" for no cap, or "default" for MONTHLY_IMAGES_PER_TOKEN.`,
  );
}

/** The date a monthly budget starts again, as people read it: "1 January 2027". */
export function resetDateText(resetsAt: Date): string {
  return resetsAt.toLocaleDateString('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
}

/**
 * A client at its monthly image cap: 429 with the cap, what it made and when the budget starts
 * again, in the message and as data. `inFlight` images still being made may use the rest: then
 * the refusal may pass (one of them can fail), so it says to try again soon.
 */
export function budgetExhausted(budget: { monthlyImages: number; made: number; inFlight: number; resetsAt: Date }, now: number): RelayHttpError {
  const { monthlyImages, made, inFlight, resetsAt } = budget;
  const reset = resetDateText(resetsAt);
  const full = made >= monthlyImages;
  const message = full
    ? `You have made ${made} of your ${monthlyImages} images this month, your whole monthly budget. It starts again on ${reset} (UTC); if you need more before then, ask your admin.`
    : `You have made ${made} of your ${monthlyImages} images this month and ${inFlight} more ${inFlight === 1 ? 'is' : 'are'} being made, which uses the rest of your monthly budget. If one of them fails you can make another; the budget starts again on ${reset} (UTC).`;
  const retryAfter = full ? Math.max(1, Math.ceil((resetsAt.getTime() - now) / 1000)) : BUDGET_BUSY_RETRY_SECONDS;
  return new RelayHttpError(429, 'budget_exhausted', message, undefined, { 'Retry-After': String(retryAfter) }, { budget: { monthlyImages, made, resetsAt: resetsAt.toISOString() } });
}

/** Images in flight take a minute or more: the earliest worth trying again when they might fail and free the budget. */
const BUDGET_BUSY_RETRY_SECONDS = 15;

/** An admin page form that cannot be done as asked (a preset without a label); its message says what to do. */
export class AdminInputError extends Error {}

/** The admin page's answers to what it cannot do as asked; each says what to do instead. */
export const ADMIN_MESSAGES = {
  wrongToken: 'That is not the admin token. Use the ADMIN_TOKEN the relay was started with.',
  tooManyTries: (seconds: number) => `Too many wrong admin tokens from your address: wait ${seconds} s, then try again.`,
  signedOut: 'Your admin session has ended. Sign in again.',
  staleForm: 'This form is from an admin session that has ended or from another page (its security token does not match). Reload the page and send it again.',
  noOrigin: 'Your browser sent this form without saying which page it came from, so the relay refused it. Open the admin page at its own address and send the form from there.',
  otherOrigin: (origin: string, host: string | undefined) =>
    `This form came from ${origin}, but the relay was asked for ${host ?? 'no host'}, so it refused it. If ${origin} is where you opened this page, a proxy in front of the relay changes the Host header: set PUBLIC_URL to ${origin} where the relay runs, or have the proxy pass the Host header on (nginx: proxy_set_header Host $host;), and restart the relay. Otherwise another site sent this form, and refusing it was right.`,
  formTooLarge: 'That form is too large for the admin page (more than 1 MB). Shorten what you typed and send it again.',
  presetLabel: (max: number) => `Give the preset a label of 1 to ${max} characters.`,
  presetPrompt: (max: number) => `Give the preset a prompt of 1 to ${max} characters.`,
  noSuchPreset: 'There is no such preset any more; the list below is the current one.',
  noSuchPerson: (name: string) => `There is no token named "${name}" any more; the list below is the current one.`,
  storeUnavailable:
    'The relay cannot reach its database just now, so this page can neither show nor change anything. Check that PostgreSQL is running and reachable at DATABASE_URL, then reload the page; the relay reconnects by itself.',
  unexpected: "The relay failed unexpectedly (its log says why, as admin_failed). Reload the page; if it keeps failing, check the relay's log.",
  budgetNotSet: (name: string, cap: string, why: string) => `${name}'s token was made, but their monthly budget of ${cap} was not set. ${why} Then set the budget in ${name}'s row.`,
} as const;

/** What the admin page says once something it was asked to do is done. */
export const ADMIN_NOTICES = {
  revoked: (name: string) => `Revoked ${name}'s token: the relay refuses it from its next request on.`,
  budget: (name: string) => `Set ${name}'s monthly budget.`,
  presetAdded: 'Added the preset: designers see it in the plugin the next time they open it.',
  presetRemoved: 'Removed the preset.',
} as const;
