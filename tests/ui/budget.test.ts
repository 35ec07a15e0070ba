import { afterEach, expect, it } from 'vitest';
import { demoUpstream } from '../../relay/demo-upstream';
import { createToken } from '../../relay/tokens';
import { relayJobClient } from '../../ui/job-client';
import { startTeamRelay, type TeamRelay } from '../helpers/team-relay';

let team: TeamRelay;
afterEach(() => team.close());

it('a resumed job whose first submit never arrived, asked for while the monthly budget is spent, is told so at once instead of asked for again and again', { timeout: 10_000 }, async () => {
  team = await startTeamRelay(() => ({ upstream: demoUpstream({ delayMs: 0 }), clientLimits: { maxConcurrent: 4, maxPerMinute: 30 } }));
  const token = await createToken(team.store.tokens, 'alice');
  await team.store.budgets.set('alice', 0);
  const jobs = relayJobClient({ relayUrl: team.relay.url, accessToken: token }, { waitSeconds: 1, firstRetryDelayMs: 100 });
  const retries: unknown[] = [];
  await expect(jobs.find('key-of-a-lost-submit', { onRetry: (retry) => retries.push(retry) })).rejects.toThrow('You have made 0 of your 0 images this month, your whole monthly budget.');
  expect(retries).toEqual([]);
});
