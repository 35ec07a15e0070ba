import { Hono } from 'hono';
import { ANONYMOUS_CLIENT, type RelayEnv } from './client';
import type { MonthUsage } from '../shared/month-usage';
import { budgetStatus } from './monthly-budget';
import type { TeamRecords } from './store/team';

/** What GET /v1/me answers: the caller's token name and this month's images against their cap, or, on a relay open to this machine, that no token is needed. */
export type MeAnswer = { name: string; usage?: MonthUsage } | { name: null; open: true };

export interface MeOptions {
  records?: TeamRecords;
  monthlyImagesPerToken?: number;
  now: () => number;
}

/**
 * GET /v1/me: lets the plugin check a token as soon as it is entered, without making an image, and
 * show how much of the month's budget is used. The token itself was checked by the auth
 * middleware; "anonymous" is reserved, so it means an open relay.
 */
export function meRoute(options: MeOptions): Hono<RelayEnv> {
  const routes = new Hono<RelayEnv>();
  routes.get('/v1/me', async (c) => {
    const client = c.get('client');
    if (client === undefined || client === ANONYMOUS_CLIENT) return c.json({ name: null, open: true } satisfies MeAnswer);
    const usage = options.records && (await budgetStatus(options.records, client, options.monthlyImagesPerToken, options.now()));
    return c.json({ name: client, ...(usage ? { usage } : {}) } satisfies MeAnswer);
  });
  return routes;
}
