import { describe, expect, it } from 'vitest';
import { AdminSessions, SESSION_MS } from '../../relay/admin/admin-session';

const ADMIN_TOKEN = 'admin-token-for-unit-tests-91c2';
const NOW = Date.parse('2026-12-01T09:00:00Z');

describe('AdminSessions', () => {
  it('accepts its cookie until twelve hours after sign-in, and not from then on', () => {
    const sessions = new AdminSessions(ADMIN_TOKEN);
    const cookie = sessions.open(NOW);
    expect(SESSION_MS).toBe(12 * 3600_000);
    expect(sessions.isValid(cookie, NOW + SESSION_MS - 1)).toBe(true);
    expect(sessions.isValid(cookie, NOW + SESSION_MS)).toBe(false);
  });

  it('refuses a cookie whose expiry, id or signature was changed', () => {
    const sessions = new AdminSessions(ADMIN_TOKEN);
    const [expiry, id, signature] = sessions.open(NOW).split('.');
    const later = String(Number(expiry) + 365 * 24 * 3600_000);
    const otherId = `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`;
    const otherSignature = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    for (const tampered of [`${later}.${id}.${signature}`, `${expiry}.${otherId}.${signature}`, `${expiry}.${id}.${otherSignature}`, `${expiry}.${id}`, `${expiry}.${id}.${signature}.x`, '']) {
      expect(sessions.isValid(tampered, NOW)).toBe(false);
    }
  });

  it('refuses a cookie signed with another ADMIN_TOKEN, so changing it ends every session', () => {
    const before = new AdminSessions(ADMIN_TOKEN).open(NOW);
    expect(new AdminSessions('a-new-admin-token-after-rotation').isValid(before, NOW)).toBe(false);
  });

  it('accepts, on another instance with the same ADMIN_TOKEN, the cookie and CSRF token of one', () => {
    const a = new AdminSessions(ADMIN_TOKEN);
    const b = new AdminSessions(ADMIN_TOKEN);
    const cookie = a.open(NOW);
    expect(b.isValid(cookie, NOW)).toBe(true);
    expect(b.isCsrfToken(cookie, a.csrfToken(cookie))).toBe(true);
    expect(b.isNoticeSeal(cookie, 'revoked:alice', a.noticeSeal(cookie, 'revoked:alice'))).toBe(true);
  });

  it("gives each session its own CSRF token, refused for another session", () => {
    const sessions = new AdminSessions(ADMIN_TOKEN);
    const one = sessions.open(NOW);
    const two = sessions.open(NOW);
    expect(sessions.isCsrfToken(two, sessions.csrfToken(one))).toBe(false);
    expect(sessions.isCsrfToken(one, undefined)).toBe(false);
  });

  it('knows ADMIN_TOKEN and nothing else, whatever its length', () => {
    const sessions = new AdminSessions(ADMIN_TOKEN);
    expect(sessions.isAdminToken(ADMIN_TOKEN)).toBe(true);
    for (const wrong of ['', ADMIN_TOKEN.slice(0, -1), `${ADMIN_TOKEN}x`, ADMIN_TOKEN.toUpperCase()]) expect(sessions.isAdminToken(wrong)).toBe(false);
  });
});
