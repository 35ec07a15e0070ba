import { createHash } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { connectionCode } from '../../shared/connection-code';
import type { LogLine } from '../app';
import type { RelayEnv } from '../client';
import { ADMIN_MESSAGES, ADMIN_NOTICES, AdminInputError, StoreUnavailableError, TokenError } from '../errors';
import type { ImagePrices } from '../image-prices';
import { parseMonthlyImages } from '../monthly-budget';
import { createToken } from '../tokens';
import { type CreatedToken, dashboardPage, type DashboardView, problemPage, signInPage } from './admin-pages';
import { AdminSessions, SESSION_MS } from './admin-session';
import { ADMIN_STYLE } from './admin-style';
import { type AdminStore, loadDashboard } from './admin-view';
import { clientAddress } from './client-address';
import { SignInLimit } from './sign-in-limit';

export interface AdminOptions {
  /** ADMIN_TOKEN: the one secret that opens the page (separate from the designers' tokens). */
  adminToken: string;
  store: AdminStore;
  monthlyImagesPerToken?: number;
  /** PUBLIC_URL's origin, for connection codes; with https it also marks the session cookie Secure. */
  publicOrigin?: string;
  prices?: ImagePrices;
  /** The longest prompt the relay takes, and so the longest a team preset may be. */
  maxPromptChars: number;
  now?: () => number;
}

const COOKIE = 'reimage_admin';
const PRESET_LABEL_MAX = 60;
/** Enough for a preset of the longest prompt, in UTF-8, form-encoded. */
const MAX_FORM_BYTES = 1024 * 1024;

export function isAdminPath(path: string): boolean {
  return path === '/admin' || path.startsWith('/admin/');
}

/** Only the page's own style runs: no script, no other origin, no framing (clickjacking), nothing cached or sent to another site as a referrer. */
const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${createHash('sha256').update(ADMIN_STYLE).digest('base64')}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  // same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on the page's own form posts, which the origin check must refuse.
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

type Form = Record<string, string | File | (string | File)[]>;

function field(form: Form, name: string): string {
  const value = form[name];
  return typeof value === 'string' ? value : '';
}

/**
 * /admin: the team admin's page, signed into with ADMIN_TOKEN. Every form is a POST checked three
 * ways: a signed session cookie (HttpOnly, SameSite=Strict, so no other site's page sends it), the
 * session's CSRF token in the form, and an Origin naming this relay.
 */
export function adminRoutes(options: AdminOptions, log: (line: LogLine) => void): Hono<RelayEnv> {
  const now = options.now ?? Date.now;
  const sessions = new AdminSessions(options.adminToken);
  const wrongTries = new SignInLimit(now);
  const routes = new Hono<RelayEnv>();

  const pageHeaders = async (c: Context<RelayEnv>, next: () => Promise<void>) => {
    await next();
    for (const [name, value] of Object.entries(PAGE_HEADERS)) c.res.headers.set(name, value);
  };
  routes.use('/admin', pageHeaders);
  routes.use('/admin/*', pageHeaders);
  routes.post('/admin/*', bodyLimit({ maxSize: MAX_FORM_BYTES, onError: (c) => problem(c, ADMIN_MESSAGES.formTooLarge, 413) }));
  routes.onError((error, c) => {
    const failed = failure(c, error);
    return problem(c, failed.message, failed.status);
  });

  /**
   * Secure when the admin reaches the relay over HTTPS: PUBLIC_URL says so, or a proxy's
   * X-Forwarded-Proto does. Trusting that header is safe because it can only add Secure: a forged
   * "https" over plain HTTP makes the browser refuse the cookie (the forger's own sign-in fails),
   * and it never takes Secure away from a relay whose PUBLIC_URL is https.
   */
  function secure(c: Context<RelayEnv>): boolean {
    return options.publicOrigin?.startsWith('https://') === true || c.req.header('x-forwarded-proto')?.split(',')[0].trim().toLowerCase() === 'https';
  }

  const hostOf = (origin: string): string | undefined => {
    try {
      return new URL(origin).host;
    } catch {
      return undefined;
    }
  };

  /**
   * The refusal of a form that did not come from a page of this relay, or undefined when it did:
   * its Origin names the host the browser asked (or PUBLIC_URL). Logged, since a proxy that
   * rewrites Host refuses every form of the admin's own, and the page says how to fix that.
   */
  function foreignOrigin(c: Context<RelayEnv>): Response | Promise<Response> | undefined {
    const origin = c.req.header('origin');
    const host = c.req.header('host');
    const named = origin && origin !== 'null' ? hostOf(origin) : undefined;
    if (named !== undefined && (origin === options.publicOrigin || named === host)) return undefined;
    log({ time: new Date(now()).toISOString(), level: 'warn', event: 'admin_form_refused', reason: 'origin', path: c.req.path, origin, host, message: 'An admin form came from an origin that is neither the Host it was sent to nor PUBLIC_URL.' });
    return problem(c, named === undefined ? ADMIN_MESSAGES.noOrigin : ADMIN_MESSAGES.otherOrigin(origin!, host), 403);
  }

  function session(c: Context<RelayEnv>): string | undefined {
    const cookie = getCookie(c, COOKIE);
    return sessions.isValid(cookie, now()) ? cookie : undefined;
  }

  /** A page saying `message`: the error box (with the token just made, if any) for a signed-in admin, the sign-in form otherwise. */
  function problem(c: Context<RelayEnv>, message: string, status: ContentfulStatusCode, created?: CreatedToken): Response | Promise<Response> {
    const cookie = session(c);
    return c.html(cookie ? problemPage({ csrf: sessions.csrfToken(cookie), error: message, ...(created ? { created } : {}) }) : signInPage(message), status);
  }

  /** What a failure under an admin page tells the admin: the database's outage (503), or anything else (500, logged; its message may hold details a page should not). */
  function failure(c: Context<RelayEnv>, error: unknown): { status: ContentfulStatusCode; message: string } {
    if (error instanceof StoreUnavailableError) return { status: 503, message: ADMIN_MESSAGES.storeUnavailable };
    log({ time: new Date(now()).toISOString(), level: 'error', event: 'admin_failed', path: c.req.path, message: error instanceof Error ? error.message : String(error) });
    return { status: 500, message: ADMIN_MESSAGES.unexpected };
  }

  /** The dashboard with `extra` on it; when it cannot be read, the problem page, still with `extra`'s error and the token just made. */
  async function dashboard(c: Context<RelayEnv>, cookie: string, extra: Partial<DashboardView> = {}, status: ContentfulStatusCode = 200): Promise<Response> {
    try {
      const view = await loadDashboard(options.store, { monthlyImagesPerToken: options.monthlyImagesPerToken, prices: options.prices, now: now() });
      return c.html(dashboardPage({ ...view, csrf: sessions.csrfToken(cookie), ...extra }), status);
    } catch (error) {
      const failed = failure(c, error);
      // What the page was to say comes first; the failure is added unless that already says it.
      const message = extra.error === undefined ? failed.message : extra.error.includes(failed.message) ? extra.error : `${extra.error} ${failed.message}`;
      return problem(c, message, failed.status, extra.created);
    }
  }

  /** A POST of a signed-in admin's form, or the answer refusing it. */
  async function adminForm(c: Context<RelayEnv>): Promise<{ cookie: string; form: Form } | Response> {
    const cookie = session(c);
    if (!cookie) return c.html(signInPage(ADMIN_MESSAGES.signedOut), 401);
    const refused = foreignOrigin(c);
    if (refused) return refused;
    const form = await c.req.parseBody({ all: false });
    if (!sessions.isCsrfToken(cookie, field(form, 'csrf'))) {
      log({ time: new Date(now()).toISOString(), level: 'warn', event: 'admin_form_refused', reason: 'csrf', path: c.req.path, message: "An admin form came without this session's CSRF token." });
      return problem(c, ADMIN_MESSAGES.staleForm, 403);
    }
    return { cookie, form };
  }

  /** Back to the page, which says what was done: the notice's name (and whose) sealed for this session. */
  const done = (c: Context<RelayEnv>, cookie: string, notice: keyof typeof ADMIN_NOTICES, name = '') =>
    c.redirect(`/admin?${new URLSearchParams({ done: notice, ...(name ? { name } : {}), seal: sessions.noticeSeal(cookie, `${notice}:${name}`) })}`, 303);

  /** The notice GET /admin was sent to say, when this session's own redirect sent it there. */
  function noticeOf(c: Context<RelayEnv>, cookie: string): string | undefined {
    const { done: notice = '', name = '', seal } = c.req.query();
    if (!Object.hasOwn(ADMIN_NOTICES, notice) || !sessions.isNoticeSeal(cookie, `${notice}:${name}`, seal)) return undefined;
    const text = ADMIN_NOTICES[notice as keyof typeof ADMIN_NOTICES];
    return typeof text === 'function' ? text(name) : text;
  }

  routes.get('/admin', (c) => {
    const cookie = session(c);
    if (!cookie) return c.html(signInPage());
    return dashboard(c, cookie, { notice: noticeOf(c, cookie) });
  });

  routes.post('/admin/sign-in', async (c) => {
    const refused = foreignOrigin(c);
    if (refused) return refused;
    const form = await c.req.parseBody({ all: false });
    // From the check to the count, nothing waits: tries that arrive at once each see those before them.
    const address = clientAddress(c);
    const wait = wrongTries.waitSeconds(address);
    if (wait > 0) return c.html(signInPage(ADMIN_MESSAGES.tooManyTries(wait)), 429, { 'Retry-After': String(wait) });
    if (!sessions.isAdminToken(field(form, 'adminToken'))) {
      wrongTries.failed(address);
      log({ time: new Date(now()).toISOString(), level: 'warn', event: 'admin_sign_in_refused', address, message: 'A wrong ADMIN_TOKEN was tried on /admin.' });
      return c.html(signInPage(ADMIN_MESSAGES.wrongToken), 401);
    }
    setCookie(c, COOKIE, sessions.open(now()), { path: '/admin', httpOnly: true, sameSite: 'Strict', secure: secure(c), maxAge: SESSION_MS / 1000 });
    return c.redirect('/admin', 303);
  });

  routes.post('/admin/sign-out', async (c) => {
    const checked = await adminForm(c);
    if (checked instanceof Response) return checked;
    deleteCookie(c, COOKIE, { path: '/admin', httpOnly: true, sameSite: 'Strict', secure: secure(c) });
    return c.redirect('/admin', 303);
  });

  /** A form of the signed-in admin: `act` does what it asks and answers; what it refuses (an AdminInputError or TokenError) is said on the page, with 400. */
  function form(path: string, act: (c: Context<RelayEnv>, fields: Form, cookie: string) => Promise<Response>) {
    routes.post(path, async (c) => {
      const checked = await adminForm(c);
      if (checked instanceof Response) return checked;
      try {
        return await act(c, checked.form, checked.cookie);
      } catch (error) {
        if (!(error instanceof TokenError || error instanceof AdminInputError)) throw error;
        return dashboard(c, checked.cookie, { error: error.message }, 400);
      }
    });
  }

  /** A budget field: empty is the default. */
  const budgetOf = (fields: Form) => {
    const text = field(fields, 'monthlyImages').trim();
    return text === '' ? 'default' : parseMonthlyImages(text);
  };

  form('/admin/people', async (c, fields, cookie) => {
    const name = field(fields, 'name').trim();
    // Read before the token exists, so a mistyped budget never leaves a token nobody saw.
    const cap = budgetOf(fields);
    const token = await createToken(options.store.tokens, name, now);
    // From here on the token exists: every answer shows it, whatever fails after, or nobody ever sees it.
    const created = { name, token, ...(options.publicOrigin ? { code: connectionCode(options.publicOrigin, token) } : {}) };
    try {
      if (cap !== 'default') await options.store.budgets.set(name, cap);
    } catch (error) {
      const failed = failure(c, error);
      return dashboard(c, cookie, { created, error: ADMIN_MESSAGES.budgetNotSet(name, String(cap), failed.message) }, failed.status);
    }
    return dashboard(c, cookie, { created });
  });

  form('/admin/people/:name/budget', async (c, fields, cookie) => {
    const name = c.req.param('name') ?? '';
    const cap = budgetOf(fields);
    if (!(await options.store.tokens.list()).some((token) => token.name === name)) throw new AdminInputError(ADMIN_MESSAGES.noSuchPerson(name));
    await options.store.budgets.set(name, cap === 'default' ? undefined : cap);
    return done(c, cookie, 'budget', name);
  });

  form('/admin/people/:name/revoke', async (c, _fields, cookie) => {
    const name = c.req.param('name') ?? '';
    if (!(await options.store.tokens.remove(name))) throw new AdminInputError(ADMIN_MESSAGES.noSuchPerson(name));
    return done(c, cookie, 'revoked', name);
  });

  form('/admin/presets', async (c, fields, cookie) => {
    const label = field(fields, 'label').trim();
    const prompt = field(fields, 'prompt').trim();
    if (label === '' || label.length > PRESET_LABEL_MAX) throw new AdminInputError(ADMIN_MESSAGES.presetLabel(PRESET_LABEL_MAX));
    if (prompt === '' || prompt.length > options.maxPromptChars) throw new AdminInputError(ADMIN_MESSAGES.presetPrompt(options.maxPromptChars));
    await options.store.presets.add({ label, prompt });
    return done(c, cookie, 'presetAdded');
  });

  form('/admin/presets/:id/remove', async (c, _fields, cookie) => {
    if (!(await options.store.presets.remove(c.req.param('id') ?? ''))) throw new AdminInputError(ADMIN_MESSAGES.noSuchPreset);
    return done(c, cookie, 'presetRemoved');
  });

  return routes;
}
