import { Hono } from 'hono';
import type { RelayEnv } from './client';
import type { TeamPreset, TeamPresets } from './store/presets';

/** What GET /v1/presets answers: the team's presets, in the admin's order. */
export interface PresetsAnswer {
  presets: TeamPreset[];
}

/** GET /v1/presets: the prompt presets the admin keeps for the team, for the plugin's Presets menu. */
export function presetsRoute(presets: TeamPresets | undefined): Hono<RelayEnv> {
  const routes = new Hono<RelayEnv>();
  routes.get('/v1/presets', async (c) => c.json({ presets: presets ? await presets.list() : [] } satisfies PresetsAnswer));
  return routes;
}
