import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../helpers/postgres-database';
import { fetchBytes, submitEdit, submittedJobId, waitForJob } from '../helpers/job-client';
import { FLEET_POLL, startRelayFleet, type RelayFleet } from '../helpers/relay-fleet';

interface Outcome {
  id: string;
  status: string;
  /** The download's HTTP status and length, against the length the job said. */
  download: { status: number; bytes: number } | string;
  bytes: number | undefined;
}

describe('a rolling restart with SIGTERM, one instance at a time, while jobs run', () => {
  let fleet: RelayFleet;

  afterAll(async () => {
    await fleet?.stop();
  });

  it('loses nothing: every job submitted before and during the restart ends succeeded and downloadable', { timeout: 120_000 }, async () => {
    // Each provider call takes long enough to be in flight when its instance is told to stop.
    fleet = await startRelayFleet({ databaseUrl: await freshDatabase(), provider: { delayMs: 1500 }, env: { MAX_JOBS_PER_TOKEN: '100', MAX_JOBS_PER_MINUTE: '1000' } });
    const { auth } = await fleet.createToken('team');
    const { proxy } = fleet;

    /** A designer, as the plugin works: submit, long-poll until the end, download, through the load balancer unless told where to submit. */
    const designer = async (submitTo = proxy.url): Promise<Outcome> => {
      const id = await submittedJobId(await submitEdit(submitTo, undefined, auth));
      const end = await waitForJob(proxy.url, id, 5, auth);
      const image = end.image ? await fetchBytes(`${proxy.url}${end.image.url}`, auth) : undefined;
      const download = image && (image.response.status === 200 ? { status: 200, bytes: image.bytes.length } : `${image.response.status}: ${new TextDecoder().decode(image.bytes)}`);
      return { id, status: end.status, download: download ?? 'no image', bytes: end.image?.bytes };
    };

    const designers: Promise<Outcome>[] = [];
    /** A designer starts; should a restart throw first, the test fails on that, not on these failing unawaited after it. */
    const come = (submitTo?: string) => {
      const outcome = designer(submitTo);
      outcome.catch(() => undefined);
      designers.push(outcome);
    };
    const drained: string[] = [];
    for (let index = 0; index < fleet.instances.length; index++) {
      // The instance about to stop has a job in flight, whatever the load balancer chose for the others.
      come(fleet.instances[index].url);
      come();
      come();
      await expect.poll(() => fleet.provider.calls.length, FLEET_POLL).toBe(designers.length);
      const stopping = fleet.instances[index];
      const restarted = fleet.restart(index);
      // Designers keep coming while it drains: the load balancer sends them to the others.
      come();
      come();
      await restarted;
      drained.push(stopping.output());
    }
    const outcomes = await Promise.all(designers);

    for (const output of drained) expect(output).toMatch(/stopping\. New images are refused; (the 1 image|the [1-9]\d* images) in progress/);
    expect(outcomes).toHaveLength(15);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('succeeded');
      expect(outcome.download).toEqual({ status: 200, bytes: outcome.bytes });
    }
    expect(new Set(outcomes.map((outcome) => outcome.id)).size).toBe(15);
    expect(fleet.provider.calls).toHaveLength(15);
  });
});
