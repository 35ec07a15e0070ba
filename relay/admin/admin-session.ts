import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Whether `given` is `expected`, in constant time. */
function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** How long a sign-in lasts: a working day; then the admin signs in again. */
export const SESSION_MS = 12 * 3600_000;

/**
 * The admin's session, carried whole in its cookie and signed with a key made from ADMIN_TOKEN, so
 * every instance sharing the token accepts it without shared state, and changing ADMIN_TOKEN ends
 * every session at once. The cookie holds when it expires and a random id, never the token; its
 * CSRF token is derived from it, so each session has its own.
 */
export class AdminSessions {
  private readonly key: Buffer;
  private readonly tokenDigest: Buffer;

  constructor(adminToken: string) {
    this.tokenDigest = createHash('sha256').update(adminToken, 'utf8').digest();
    this.key = createHash('sha256').update('reimage admin session\0', 'utf8').update(adminToken, 'utf8').digest();
  }

  /** Whether `presented` is ADMIN_TOKEN, compared in constant time (as digests, so its length tells nothing either). */
  isAdminToken(presented: string): boolean {
    return timingSafeEqual(createHash('sha256').update(presented, 'utf8').digest(), this.tokenDigest);
  }

  private sign(text: string): string {
    return createHmac('sha256', this.key).update(text, 'utf8').digest('base64url');
  }

  /** A new session's cookie value. */
  open(now: number): string {
    const body = `${now + SESSION_MS}.${randomBytes(16).toString('base64url')}`;
    return `${body}.${this.sign(body)}`;
  }

  /** Whether a cookie value is a session this key signed that has not expired. */
  isValid(cookie: string | undefined, now: number): cookie is string {
    const parts = cookie?.split('.');
    if (!parts || parts.length !== 3) return false;
    return sameText(parts[2], this.sign(`${parts[0]}.${parts[1]}`)) && Number(parts[0]) > now;
  }

  /** The session's CSRF token, put in every form and checked on every POST. */
  csrfToken(cookie: string): string {
    return this.sign(`csrf:${cookie}`);
  }

  isCsrfToken(cookie: string, presented: string | undefined): boolean {
    return sameText(presented ?? '', this.csrfToken(cookie));
  }

  /**
   * The seal the page's own redirect puts on a notice ("Revoked alice's token"), so that only what
   * this session did is said on its page: a link made elsewhere cannot make it say something else.
   */
  noticeSeal(cookie: string, notice: string): string {
    return this.sign(`notice:${cookie}:${notice}`);
  }

  isNoticeSeal(cookie: string, notice: string, presented: string | undefined): boolean {
    return sameText(presented ?? '', this.noticeSeal(cookie, notice));
  }
}
