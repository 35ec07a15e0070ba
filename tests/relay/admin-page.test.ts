import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { type IncomingMessage, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminStore } from '../../relay/admin/admin-view';
import { StoreUnavailableError } from '../../relay/errors';
import type { RelayStore } from '../../relay/store/store';
import { createToken } from '../../relay/tokens';
import { demoUpstream } from '../../relay/demo-upstream';
import type { RunningRelay } from '../helpers/relay-server';
import { startTeamRelay, type TeamRelay } from '../helpers/team-relay';

const ADMIN_TOKEN = 'admin-token-for-tests-7f3a9c';

/** The store as the admin page sees it, with one method of one part failing as `failure` says (PostgreSQL down: StoreUnavailableError). */
function failingStore<Part extends keyof AdminStore>(store: RelayStore, part: Part, method: keyof AdminStore[Part], failure: () => Error = () => new StoreUnavailableError()): AdminStore {
  const broken = new Proxy(store[part], {
    get(target, key) {
      if (key === method) return () => Promise.reject(failure());
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { tokens: store.tokens, usage: store.usage, budgets: store.budgets, presets: store.presets, [part]: broken };
}

describe('the admin page at /admin', () => {
  let team: TeamRelay;
  let relay: RunningRelay;
  let store: RelayStore;

  afterEach(() => team?.close());

  async function start(admin: boolean, extra: { publicOrigin?: string; store?: (shared: RelayStore) => AdminStore; now?: () => number } = {}) {
    const { store: adminStore = (shared: RelayStore) => shared, ...rest } = extra;
    team = await startTeamRelay((shared) => ({
      upstream: demoUpstream({ delayMs: 0 }),
      ...(admin ? { admin: { adminToken: ADMIN_TOKEN, store: adminStore(shared), maxPromptChars: 32_000, monthlyImagesPerToken: 100, ...rest } } : {}),
    }));
    ({ relay, store } = team);
  }

  /** What the admin's browser sends: the page's own origin, and the session cookie once it has one. */
  const post = (path: string, fields: Record<string, string>, cookie?: string, headers: Record<string, string> = {}) =>
    fetch(`${relay.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams(fields),
      headers: { Origin: relay.url, ...(cookie ? { Cookie: cookie } : {}), ...headers },
    });
  const page = async (cookie: string, path = '/admin') => (await fetch(`${relay.url}${path}`, { headers: { Cookie: cookie } })).text();
  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1];

  async function signIn(headers: Record<string, string> = {}): Promise<{ cookie: string; setCookie: string; csrf: string }> {
    const answer = await post('/admin/sign-in', { adminToken: ADMIN_TOKEN }, undefined, headers);
    expect(answer.status).toBe(303);
    const setCookie = answer.headers.getSetCookie()[0];
    const cookie = setCookie.split(';')[0];
    return { cookie, setCookie, csrf: csrfOf(await page(cookie)) };
  }

  it('does not exist at all without ADMIN_TOKEN', async () => {
    await start(false);
    expect((await fetch(`${relay.url}/admin`)).status).toBe(404);
    expect((await post('/admin/sign-in', { adminToken: ADMIN_TOKEN })).status).toBe(404);
  });

  it('signs in with ADMIN_TOKEN into an HttpOnly, SameSite=Strict cookie, Secure behind HTTPS; a wrong token gets 401 and is logged without itself', async () => {
    await start(true);
    const signInForm = await fetch(`${relay.url}/admin`);
    expect(signInForm.status).toBe(200);
    expect(signInForm.headers.get('access-control-allow-origin')).toBeNull();
    expect(signInForm.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await signInForm.text()).toContain('<label for="admin-token">Admin token</label>');

    const wrong = await post('/admin/sign-in', { adminToken: 'not-the-admin-token-guess' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('That is not the admin token.');
    const logged = relay.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.event === 'admin_sign_in_refused');
    expect(logged).toHaveLength(1);
    expect(logged[0].address).toBe('127.0.0.1');
    expect(relay.logs.join('\n')).not.toContain('not-the-admin-token-guess');

    const { setCookie } = await signIn();
    expect(setCookie).toMatch(/^reimage_admin=[^;]+; Max-Age=43200; Path=\/admin; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain(ADMIN_TOKEN);
    expect((await signIn({ 'X-Forwarded-Proto': 'https' })).setCookie).toContain('; Secure');
  });

  it('makes an address that tried five wrong tokens in a minute wait a minute, the right token too', async () => {
    await start(true);
    for (let i = 0; i < 5; i++) expect((await post('/admin/sign-in', { adminToken: `wrong-${i}` })).status).toBe(401);
    const waiting = await post('/admin/sign-in', { adminToken: ADMIN_TOKEN });
    expect(waiting.status).toBe(429);
    expect(Number(waiting.headers.get('retry-after'))).toBeGreaterThan(55);
    expect(await waiting.text()).toMatch(/Too many wrong admin tokens from your address: wait \d+ s, then try again\./);
  });

  /** A wrong sign-in whose form is held back until `send`; `begun` resolves once the relay has begun handling it (it answered 100 Continue). */
  function heldSignIn(adminToken: string) {
    const body = new URLSearchParams({ adminToken }).toString();
    const url = new URL(`${relay.url}/admin/sign-in`);
    const headers = { Origin: relay.url, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(Buffer.byteLength(body)), Expect: '100-continue' };
    const outgoing = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers });
    outgoing.flushHeaders();
    const status = once(outgoing, 'response').then(([answer]) => {
      (answer as IncomingMessage).resume();
      return (answer as IncomingMessage).statusCode;
    });
    return { begun: once(outgoing, 'continue'), send: () => outgoing.end(body), status };
  }

  it('counts wrong tries that arrive all at once before answering any: of ten, five are refused with 429', async () => {
    await start(true);
    const tries = Array.from({ length: 10 }, (_, i) => heldSignIn(`burst-${i}`));
    // Every one is being handled before any form has arrived, as a script would send them.
    await Promise.all(tries.map((held) => held.begun));
    for (const held of tries) held.send();
    const statuses = await Promise.all(tries.map((held) => held.status));
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(5);
  });

  it('refuses a form without the session, without its CSRF token, or from another origin', async () => {
    await start(true);
    const { cookie, csrf } = await signIn();
    expect((await post('/admin/people', { name: 'mallory', csrf })).status).toBe(401);
    expect((await post('/admin/people', { name: 'mallory' }, cookie)).status).toBe(403);
    expect((await post('/admin/people', { name: 'mallory', csrf }, cookie, { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await post('/admin/sign-in', { adminToken: ADMIN_TOKEN }, undefined, { Origin: 'null' })).status).toBe(403);
    expect(await store.tokens.list()).toEqual([]);
  });

  it('creates a token shown once with its connection code, sets budgets, revokes, and never shows a token or hash again', async () => {
    await start(true, { publicOrigin: 'https://relay.example.com' });
    const { cookie, csrf } = await signIn();
    const created = await post('/admin/people', { name: 'alice', monthlyImages: '200', csrf }, cookie);
    expect(created.status).toBe(200);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const once = await created.text();
    const token = /id="access-token" readonly value="(rmg_[^"]+)"/.exec(once)![1];
    expect(once).toContain(`value="https://relay.example.com#${token}"`);
    expect((await fetch(`${relay.url}/v1/me`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);

    const bad = await post('/admin/people/alice/budget', { monthlyImages: 'lots', csrf }, cookie);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('&quot;lots&quot; is not a monthly budget');
    const setBudget = await post('/admin/people/alice/budget', { monthlyImages: '500', csrf }, cookie);
    expect(setBudget.status).toBe(303);
    expect(await store.budgets.get('alice')).toBe(500);
    await createToken(store.tokens, 'bob');
    const dashboard = await page(cookie, setBudget.headers.get('location')!);
    expect(dashboard).toContain("Set alice&#39;s monthly budget.");
    expect(dashboard).toMatch(/<th scope="row">alice<\/th>[\s\S]*?0 of 500/);
    expect(dashboard).toMatch(/<th scope="row">bob<\/th>[\s\S]*?0 of 100/);
    const hash = createHash('sha256').update(token).digest('hex');
    for (const text of [dashboard, relay.logs.join('\n')]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(hash);
      expect(text).not.toContain(ADMIN_TOKEN);
    }

    const revoked = await post('/admin/people/alice/revoke', { csrf }, cookie);
    expect(revoked.status).toBe(303);
    expect((await fetch(`${relay.url}/v1/me`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
    expect(await page(cookie, revoked.headers.get('location')!)).toContain('Revoked alice&#39;s token');
  });

  it('keeps team presets that designers read from GET /v1/presets, and refuses one without a label', async () => {
    await start(true);
    const { cookie, csrf } = await signIn();
    const alice = await createToken(store.tokens, 'alice');
    expect((await post('/admin/presets', { label: 'Brand colours', prompt: 'Recolour it in our palette.', csrf }, cookie)).status).toBe(303);
    const bad = await post('/admin/presets', { label: ' ', prompt: 'x', csrf }, cookie);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Give the preset a label of 1 to 60 characters.');
    const presets = async () => ((await (await fetch(`${relay.url}/v1/presets`, { headers: { Authorization: `Bearer ${alice}` } })).json()) as { presets: { id: string; label: string }[] }).presets;
    const [brand] = await presets();
    expect(brand).toMatchObject({ label: 'Brand colours', prompt: 'Recolour it in our palette.' });
    expect((await post(`/admin/presets/${brand.id}/remove`, { csrf }, cookie)).status).toBe(303);
    expect(await presets()).toEqual([]);
  });

  it('tells the admin what to do when a proxy rewrites Host, so its own forms look foreign, and logs the refusal', async () => {
    await start(true);
    const { cookie, csrf } = await signIn();
    // The browser is at the proxy's address; the relay is asked for 127.0.0.1:port.
    const refused = await post('/admin/people', { name: 'alice', csrf }, cookie, { Origin: 'https://relay.example.com' });
    expect(refused.status).toBe(403);
    const text = await refused.text();
    expect(text).toContain('set PUBLIC_URL to https://relay.example.com');
    expect(text).toContain('proxy_set_header Host $host;');
    expect(text).not.toContain('Reload the page');
    const host = new URL(relay.url).host;
    const logged = relay.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.event === 'admin_form_refused');
    expect(logged).toEqual([expect.objectContaining({ level: 'warn', path: '/admin/people', origin: 'https://relay.example.com', host, time: expect.any(String) })]);
    const signInRefused = await post('/admin/sign-in', { adminToken: ADMIN_TOKEN }, undefined, { Origin: 'https://relay.example.com' });
    expect(signInRefused.status).toBe(403);
    expect(await signInRefused.text()).toContain('set PUBLIC_URL to https://relay.example.com');
    expect(await store.tokens.list()).toEqual([]);
  });

  it('shows a store failure under a page as the page\'s error box in words for the admin, 503', async () => {
    await start(true, { store: (shared) => failingStore(shared, 'usage', 'between') });
    const { cookie } = await signIn();
    const answer = await fetch(`${relay.url}/admin`, { headers: { Cookie: cookie } });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('content-type')).toContain('text/html');
    expect(answer.headers.get('content-security-policy')).toContain("default-src 'none'");
    const text = await answer.text();
    expect(text).toMatch(/<p class="error" role="alert">The relay cannot reach its database just now[^<]*DATABASE_URL[^<]*<\/p>/);
    expect(text).not.toContain('tell your admin');
    expect(text).toContain('<a href="/admin">');
  });

  it('shows an unexpected failure under a form as the error box, 500, and logs what it was', async () => {
    await start(true, { store: (shared) => failingStore(shared, 'presets', 'add', () => new Error('disk on fire')) });
    const { cookie, csrf } = await signIn();
    const answer = await post('/admin/presets', { label: 'Brand', prompt: 'Recolour it.', csrf }, cookie);
    expect(answer.status).toBe(500);
    const text = await answer.text();
    expect(text).toContain('<p class="error" role="alert">The relay failed unexpectedly');
    expect(text).not.toContain('disk on fire');
    expect(relay.logs.map((line) => JSON.parse(line) as Record<string, unknown>)).toContainEqual(expect.objectContaining({ level: 'error', event: 'admin_failed', path: '/admin/presets', message: 'disk on fire' }));
  });

  it('says on the page, not as a command, that a person has no token any more', async () => {
    await start(true);
    const { cookie, csrf } = await signIn();
    for (const path of ['/admin/people/ghost/budget', '/admin/people/ghost/revoke']) {
      const answer = await post(path, { monthlyImages: '5', csrf }, cookie);
      expect(answer.status).toBe(400);
      const text = await answer.text();
      expect(text).toContain('There is no token named &quot;ghost&quot; any more');
      expect(text).not.toContain('npm run relay');
    }
  });

  it('shows the token it made, with its connection code, when setting its budget fails after', async () => {
    await start(true, { publicOrigin: 'https://relay.example.com', store: (shared) => failingStore(shared, 'budgets', 'set') });
    const { cookie, csrf } = await signIn();
    const answer = await post('/admin/people', { name: 'alice', monthlyImages: '200', csrf }, cookie);
    expect(answer.status).toBe(503);
    const text = await answer.text();
    const token = /id="access-token" readonly value="(rmg_[^"]+)"/.exec(text)![1];
    expect(text).toContain(`value="https://relay.example.com#${token}"`);
    expect(text).toContain('alice&#39;s token was made, but their monthly budget of 200 was not set');
    expect((await fetch(`${relay.url}/v1/me`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('shows the token it made when the page cannot be read after making it', async () => {
    await start(true, { store: (shared) => failingStore(shared, 'budgets', 'all') });
    const { cookie, csrf } = await signIn();
    const answer = await post('/admin/people', { name: 'alice', csrf }, cookie);
    expect(answer.status).toBe(503);
    const text = await answer.text();
    expect(text).toMatch(/id="access-token" readonly value="rmg_[^"]+"/);
    expect(text).toContain('The relay cannot reach its database just now');
  });

  it('says only what this session did: a link made elsewhere, or for another session, shows no notice', async () => {
    await start(true);
    await createToken(store.tokens, 'mallory');
    const mine = await signIn();
    const other = await signIn();
    expect(await page(mine.cookie, '/admin?done=revoked&name=mallory')).not.toContain('Revoked');
    await createToken(store.tokens, 'bob');
    const revoked = await post('/admin/people/bob/revoke', { csrf: mine.csrf }, mine.cookie);
    const location = revoked.headers.get('location')!;
    expect(await page(mine.cookie, location)).toContain('Revoked bob&#39;s token');
    expect(await page(other.cookie, location)).not.toContain('Revoked');
    expect(await page(mine.cookie, location.replace('name=bob', 'name=mallory'))).not.toContain('Revoked');
  });

  it('says no one has made an image this month when there are people but no images, instead of an empty chart', async () => {
    await start(true);
    await createToken(store.tokens, 'alice');
    const { cookie } = await signIn();
    const dashboard = await page(cookie);
    expect(dashboard).toMatch(/<p class="secondary">No one has made an image in \d{4}-\d{2} yet\.<\/p>/);
    expect(dashboard).not.toContain('<svg');
  });

  it('ends a session twelve hours after sign-in: the page asks to sign in again, a form gets 401', async () => {
    let time = Date.now();
    await start(true, { now: () => time });
    const { cookie, csrf } = await signIn();
    time += 12 * 3600_000 - 1000;
    expect(await page(cookie)).toContain('<h2 id="people-title">People</h2>');
    time += 1000;
    expect(await page(cookie)).toContain('<label for="admin-token">Admin token</label>');
    const late = await post('/admin/people', { name: 'alice', csrf }, cookie);
    expect(late.status).toBe(401);
    expect(await late.text()).toContain('Your admin session has ended. Sign in again.');
    expect(await store.tokens.list()).toEqual([]);
  });

  it('refuses a form sent without an Origin, saying to send it from the page', async () => {
    await start(true);
    const { cookie, csrf } = await signIn();
    const answer = await fetch(`${relay.url}/admin/people`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ name: 'alice', csrf }), headers: { Cookie: cookie } });
    expect(answer.status).toBe(403);
    expect(await answer.text()).toContain('Your browser sent this form without saying which page it came from');
    expect(await store.tokens.list()).toEqual([]);
  });

  it('refuses a form of more than 1 MB with 413, unread', async () => {
    await start(true);
    const { cookie, csrf } = await signIn();
    const answer = await post('/admin/presets', { label: 'Huge', prompt: 'x'.repeat(1024 * 1024), csrf }, cookie);
    expect(answer.status).toBe(413);
    expect(await answer.text()).toContain('That form is too large for the admin page');
    expect(await store.presets.list()).toEqual([]);
  });

  it('shows a preset that looks like markup as text', async () => {
    await start(true);
    const { cookie, csrf } = await signIn();
    expect((await post('/admin/presets', { label: '<script>"x', prompt: '</textarea><img src=x onerror="alert(1)">', csrf }, cookie)).status).toBe(303);
    const dashboard = await page(cookie);
    expect(dashboard).toContain('<strong>&lt;script&gt;&quot;x</strong>');
    expect(dashboard).toContain('&lt;/textarea&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(dashboard).not.toContain('<script>');
    expect(dashboard).not.toContain('<img');
  });

  it("lets the page's own stylesheet through its content security policy, by its hash", async () => {
    await start(true);
    const answer = await fetch(`${relay.url}/admin`);
    const styles = [...(await answer.text()).matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => match[1]);
    expect(styles).toHaveLength(1);
    const hash = createHash('sha256').update(styles[0]).digest('base64');
    expect(answer.headers.get('content-security-policy')).toContain(`style-src 'sha256-${hash}';`);
  });
});
