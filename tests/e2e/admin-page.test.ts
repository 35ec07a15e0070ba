import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUpstream } from '../../relay/demo-upstream';
import type { RelayStore } from '../../relay/store/store';
import type { RunningRelay } from '../helpers/relay-server';
import { startTeamRelay, type TeamRelay } from '../helpers/team-relay';
import { ARTIFACTS, launchChromium } from './harness';

const ADMIN_TOKEN = 'e2e-admin-token-4b8d1e92';

/** The team admin's whole path in Chromium: sign in, hand out a token, see it used, revoke it. */
describe('the admin page in Chromium', { timeout: 90_000 }, () => {
  let browser: Browser;
  let team: TeamRelay;
  let relay: RunningRelay;
  let store: RelayStore;

  beforeAll(async () => {
    team = await startTeamRelay((shared) => ({
      upstream: demoUpstream({ delayMs: 0 }),
      clientLimits: { maxConcurrent: 4, maxPerMinute: 30 },
      monthlyImagesPerToken: 200,
      admin: { adminToken: ADMIN_TOKEN, store: shared, maxPromptChars: 32_000, monthlyImagesPerToken: 200, publicOrigin: 'https://relay.example.com' },
    }));
    ({ relay, store } = team);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await team?.close();
  });

  async function screenshots(page: Page, name: string) {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await page.screenshot({ path: join(ARTIFACTS, `admin-${name}-${colorScheme}.png`), fullPage: true });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }

  const generate = (token: string) =>
    fetch(`${relay.url}/v1/images/generations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ prompt: 'A paper-cut fox in a misty forest', size: '1024x1024' }),
    });

  it('signs in, creates a token, sees its image counted, revokes it, and the token then gets 401', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(`${relay.url}/admin`);
    // The sign-in field has focus, and a wrong token is said at once.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('admin-token');
    await page.getByLabel('Admin token').fill('not-it-at-all-really');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('That is not the admin token.');
    await screenshots(page, 'sign-in');
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'People' }).waitFor();

    await page.getByLabel('Name').fill('alice');
    await page.getByLabel('Monthly images').first().fill('3');
    await page.getByRole('button', { name: 'Create token' }).click();
    const code = await page.getByLabel('Connection code').inputValue();
    const token = await page.getByLabel('Access token').inputValue();
    expect(code).toBe(`https://relay.example.com#${token}`);
    await screenshots(page, 'created');

    // alice uses it: real image requests through the relay, answered by the demo upstream.
    expect((await generate(token)).status).toBe(200);
    expect((await generate(token)).status).toBe(200);
    await expect.poll(() => store.usage.madeSince('alice', new Date(Date.now() - 86_400_000))).toBe(2);

    await page.goto(`${relay.url}/admin`);
    const row = page.getByRole('row', { name: /alice/ });
    await expect.poll(() => row.textContent()).toContain('2 of 3');
    expect(await page.getByRole('img', { name: /Images per day per person/ }).count()).toBe(1);
    expect(await page.locator('.chart rect.bar').count()).toBe(1);
    expect(await page.content()).not.toContain(token);

    // A budget set on the page holds at alice's next request.
    await page.getByLabel('Monthly images for alice').fill('2');
    await page.getByRole('button', { name: "Set alice's budget" }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain("Set alice's monthly budget.");
    const over = await generate(token);
    expect(over.status).toBe(429);
    expect(((await over.json()) as { error: { code: string } }).error.code).toBe('budget_exhausted');

    await page.getByLabel('Label').fill('Brand colours');
    await page.getByLabel('Prompt').fill('Recolour it in our brand palette: deep blue and warm yellow.');
    await page.getByRole('button', { name: 'Add preset' }).click();
    await page.getByText('Added the preset').waitFor();
    await screenshots(page, 'usage');

    await page.getByRole('button', { name: "Revoke alice's token" }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain("Revoked alice's token");
    const refused = await fetch(`${relay.url}/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(401);
    await page.close();
  });
});
