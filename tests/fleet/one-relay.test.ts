import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ImageSize } from '../../shared/sizes';
import { mappedSize } from '../fakes/fake-llmeasy';
import { noisePngOfAbout } from '../fakes/noise-png';
import { solidPng } from '../fakes/png';
import { freshDatabase } from '../helpers/postgres-database';
import { heldCalls, type HeldCalls } from '../helpers/held-calls';
import { editForm, fetchBytes, getJob, submitEdit, submittedJobId, type ErrorBody } from '../helpers/job-client';
import { FLEET_POLL, startRelayFleet, type RelayFleet } from '../helpers/relay-fleet';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function errorOf(response: Response): Promise<ErrorBody['error']> {
  return ((await response.json()) as ErrorBody).error;
}

/** Whether a promise has settled yet, without waiting for it. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol('pending');
  return (await Promise.race([promise.catch(() => undefined), Promise.resolve(pending)])) !== pending;
}

/*
 * Three instances on one database serve a team as one relay. The tests share them (starting three
 * processes takes seconds) and keep out of each other's way: each uses a token of its own, and the
 * limits are per token.
 */
describe('three relay instances on one PostgreSQL database', () => {
  let fleet: RelayFleet;
  /** A session of the test's own on the fleet's database, to read what the instances wrote. */
  let database: pg.Client;
  let held: HeldCalls;
  /** What the provider answers instead of its small solid image, while a test sets it. */
  let answer: Uint8Array | undefined;
  let a: string, b: string, c: string;

  beforeAll(async () => {
    const databaseUrl = await freshDatabase();
    database = new pg.Client({ connectionString: databaseUrl });
    await database.connect();
    fleet = await startRelayFleet({
      databaseUrl,
      // Every provider call waits until its test lets it answer: jobs stay in flight as long as a test needs.
      provider: {
        gate: () => held.gate(),
        image: (call) => {
          if (answer) return answer;
          const { width, height } = mappedSize(call.fields.size[0] as ImageSize);
          return solidPng(width, height);
        },
      },
      env: { MAX_JOBS_PER_TOKEN: '4', MAX_JOBS_PER_MINUTE: '6' },
    });
    [a, b, c] = fleet.instances.map((instance) => instance.url);
  }, 60_000);

  beforeEach(() => {
    held = heldCalls();
  });

  afterEach(() => {
    held.answerAll();
    answer = undefined;
  });

  afterAll(async () => {
    await database?.end();
    await fleet?.stop();
  });

  it('long-polls, downloads and cancels through B a job submitted through A, and A stops its provider call', async () => {
    const { auth } = await fleet.createToken('across');
    const done = await submittedJobId(await submitEdit(a, undefined, auth));
    const cancelled = await submittedJobId(await submitEdit(a, undefined, auth));
    await expect.poll(() => held.waiting, FLEET_POLL).toBe(2);
    expect((await getJob(b, done, 0, auth)).body.status).toBe('running');

    const abandoned = fleet.provider.abandoned;
    const cancel = await fetch(`${b}/v1/jobs/${cancelled}`, { method: 'DELETE', headers: auth });
    expect(cancel.status).toBe(200);
    expect(await cancel.json()).toMatchObject({ id: cancelled, status: 'cancelled' });
    // The provider call runs on A: only A can end it, told by B through the database.
    await expect.poll(() => fleet.provider.abandoned, FLEET_POLL).toBe(abandoned + 1);
    expect((await getJob(a, cancelled, 0, auth)).body.status).toBe('cancelled');

    const polled = getJob(b, done, 20, auth);
    held.answerNext();
    const { body } = await polled;
    expect(body).toMatchObject({ id: done, status: 'succeeded' });
    const fromB = await fetchBytes(`${b}${body.image!.url}`, auth);
    expect(fromB.response.status).toBe(200);
    expect(fromB.response.headers.get('content-type')).toBe('image/png');
    expect(fromB.bytes.length).toBe(body.image!.bytes);
    expect(fromB.bytes).toEqual((await fetchBytes(`${c}${body.image!.url}`, auth)).bytes);

    // A finished job stays as it is, wherever the cancel comes from.
    const late = await fetch(`${c}/v1/jobs/${done}`, { method: 'DELETE', headers: auth });
    expect(await late.json()).toMatchObject({ id: done, status: 'succeeded' });
    // And another token sees none of it, on any instance.
    const { auth: other } = await fleet.createToken('stranger');
    expect((await getJob(b, done, 0, other)).status).toBe(404);
  });

  it('serves through B the image of a job as soon as A, which ran it, says it succeeded', async () => {
    const { auth } = await fleet.createToken('quick');
    // A 4K image: storing it takes A long enough for the download to reach B before it is stored.
    answer = noisePngOfAbout(8e6);
    const id = await submittedJobId(await submitEdit(a, undefined, auth));
    await expect.poll(() => held.waiting, FLEET_POLL).toBe(1);
    const polled = getJob(a, id, 20, auth);
    held.answerNext();
    const { body } = await polled;
    expect(body.status).toBe('succeeded');
    // A load balancer sends the download wherever it likes, at once.
    const image = await fetchBytes(`${b}${body.image!.url}`, auth);
    expect(image.response.status).toBe(200);
    expect(image.bytes.length).toBe(body.image!.bytes);
  });

  it('wakes a long poll on B within a second of the job ending on A', async () => {
    const { auth } = await fleet.createToken('waker');
    const id = await submittedJobId(await submitEdit(a, undefined, auth));
    await expect.poll(() => held.waiting, FLEET_POLL).toBe(1);
    let answeredAt = 0;
    const polled = getJob(b, id, 25, auth).then((answer) => {
      answeredAt = Date.now();
      return answer;
    });
    // Long enough for B to be waiting, not answering at once: its long poll is still open.
    await sleep(1500);
    expect(await settled(polled)).toBe(false);

    // The provider answers A now: A still has to store the image and the job's end before B can know.
    const providerAnswered = Date.now();
    held.answerNext();
    expect((await polled).body.status).toBe('succeeded');
    expect(answeredAt - providerAnswered).toBeLessThan(1000);
  });

  it('takes a token created or revoked with `npm run relay -- token` on every instance at once, with no restart', async () => {
    const { auth } = await fleet.createToken('carol');
    for (const url of [a, b, c]) {
      const me = await fetch(`${url}/v1/me`, { headers: auth });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ name: 'carol' });
    }
    await fleet.revokeToken('carol');
    for (const url of [a, b, c]) {
      const me = await fetch(`${url}/v1/me`, { headers: auth });
      expect(me.status).toBe(401);
      const refused = await submitEdit(url, undefined, auth);
      expect(refused.status).toBe(401);
    }
    expect(held.waiting).toBe(0);
  });

  it('holds MAX_JOBS_PER_TOKEN and MAX_JOBS_PER_MINUTE over all the instances together', async () => {
    const { auth } = await fleet.createToken('limited');
    const first = [];
    for (const url of [a, b, c, a]) first.push(await submittedJobId(await submitEdit(url, undefined, auth)));
    await expect.poll(() => held.waiting, FLEET_POLL).toBe(4);

    // 4 in flight in all, not 4 per instance.
    for (const url of [b, c]) {
      const refused = await submitEdit(url, undefined, auth);
      expect(refused.status).toBe(429);
      expect(await errorOf(refused)).toMatchObject({ code: 'too_many_jobs' });
    }
    held.answerAll();
    for (const id of first) expect((await getJob(c, id, 20, auth)).body.status).toBe('succeeded');

    // 4 started this minute on A, B and C; 2 more make the 6 a minute allows; the next is refused anywhere.
    for (const url of [b, c]) await submittedJobId(await submitEdit(url, undefined, auth));
    // Started, not only admitted: their provider calls are in.
    await expect.poll(() => held.waiting, FLEET_POLL).toBe(2);
    const refused = await submitEdit(a, undefined, auth);
    expect(refused.status).toBe(429);
    expect(await errorOf(refused)).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('You started 6 images in the last minute') });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(fleet.provider.calls.length).toBeGreaterThanOrEqual(6);
  });

  it('makes one provider call for the same Idempotency-Key sent to A and B at once', async () => {
    const { auth } = await fleet.createToken('retrier');
    const calls = fleet.provider.calls.length;
    const key = randomUUID();
    const headers = { ...auth, 'Idempotency-Key': key };
    const answers = await Promise.all([a, b].map((url) => submitEdit(url, editForm(), headers)));
    const [first, second] = await Promise.all(answers.map(submittedJobId));
    expect(second).toBe(first);
    // An instance calls the provider only for a job it wrote itself: one job for the key, written by one of them, is one call.
    const jobs = await database.query<{ id: string }>('SELECT id FROM jobs WHERE idempotency_key = $1', [key]);
    expect(jobs.rows).toEqual([{ id: first }]);
    await expect.poll(() => held.waiting, FLEET_POLL).toBe(1);

    held.answerAll();
    expect((await getJob(b, first, 20, auth)).body.status).toBe('succeeded');
    // A retry after the end, on the third instance, is the same job too.
    expect(await submittedJobId(await submitEdit(c, editForm(), headers))).toBe(first);
    expect((await database.query('SELECT id FROM jobs WHERE idempotency_key = $1', [key])).rows).toEqual([{ id: first }]);
    expect(fleet.provider.calls.length).toBe(calls + 1);
  });
});
