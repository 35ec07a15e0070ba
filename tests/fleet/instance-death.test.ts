import { afterAll, describe, expect, it } from 'vitest';
import { INTERRUPTED_MESSAGE } from '../../relay/errors';
import { freshDatabase } from '../helpers/postgres-database';
import { heldCalls } from '../helpers/held-calls';
import { getJob, submitEdit, submittedJobId, waitForJob } from '../helpers/job-client';
import { FLEET_POLL, startRelayFleet, type RelayFleet } from '../helpers/relay-fleet';

/** What the issue promises: a dead instance's jobs are failed by a survivor within a minute. */
const WITHIN_MS = 60_000;

describe('an instance killed with kill -9 while its jobs run', () => {
  let fleet: RelayFleet;
  const held = heldCalls();

  afterAll(async () => {
    held.answerAll();
    await fleet?.stop();
  });

  it('has its jobs failed by a survivor within 60 s, telling the designer to generate again, and its places freed', { timeout: WITHIN_MS + 45_000 }, async () => {
    fleet = await startRelayFleet({ databaseUrl: await freshDatabase(), provider: { gate: held.gate }, env: { MAX_JOBS_PER_TOKEN: '3' } });
    const [a, b] = fleet.instances.map((instance) => instance.url);
    const { auth } = await fleet.createToken('dana');
    const { auth: survivorAuth } = await fleet.createToken('erin');
    const lost = [await submittedJobId(await submitEdit(a, undefined, auth)), await submittedJobId(await submitEdit(a, undefined, auth))];
    const kept = await submittedJobId(await submitEdit(b, undefined, survivorAuth));
    const third = await submittedJobId(await submitEdit(b, undefined, auth));
    await expect.poll(() => held.waiting, FLEET_POLL).toBe(4);

    const killedAt = Date.now();
    await fleet.kill(0);
    // The designer's panel goes on polling another instance, and hears as soon as it is decided.
    const ends = await Promise.all(lost.map((id) => waitForJob(b, id, 25, auth)));
    expect(Date.now() - killedAt).toBeLessThan(WITHIN_MS);
    for (const end of ends) expect(end).toMatchObject({ status: 'failed', error: { message: INTERRUPTED_MESSAGE, code: 'relay_restarted' } });

    // The survivors' own jobs run on, and the dead instance's places are free: dana had 3 of 3.
    expect((await getJob(b, kept, 0, survivorAuth)).body.status).toBe('running');
    expect((await getJob(b, third, 0, auth)).body.status).toBe('running');
    const again = [await submittedJobId(await submitEdit(b, undefined, auth)), await submittedJobId(await submitEdit(fleet.instances[2].url, undefined, auth))];
    // The dead instance's calls still wait at the provider, beside the two new ones.
    await expect.poll(() => held.waiting, FLEET_POLL).toBe(6);
    held.answerAll();
    for (const id of [third, ...again]) expect((await waitForJob(b, id, 25, auth)).status).toBe('succeeded');
    expect((await waitForJob(b, kept, 25, survivorAuth)).status).toBe('succeeded');
  });
});
