import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJob, submitEdit, submittedJobId, waitForJob } from '../helpers/job-client';
import { freshDatabase } from '../helpers/postgres-database';
import { printedToken, runRelayCommand, startRelayProcess, temporaryDataDir, type ServerProcess } from '../helpers/relay-process';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

describe('the relay on PostgreSQL (DATABASE_URL)', () => {
  let url: string;
  beforeAll(async () => {
    url = await freshDatabase();
  });

  describe('refuses to start, with one message saying what to check, when', () => {
    const start = (databaseUrl: string) => runRelayCommand([], { DATABASE_URL: databaseUrl, PORT: '0', RELAY_DATA_DIR: temporaryDataDir() });

    it('DATABASE_URL is malformed', async () => {
      const { code, stdout, stderr } = await start('localhost:5432/reimage');
      expect(code).toBe(1);
      expect(stderr.trim()).toMatch(/^Reimage relay: DATABASE_URL is not a PostgreSQL URL \(it starts with "localhost:\/\/", not postgres:\/\/\)\. Write it as postgres:\/\/user:password@host:5432\/database/);
      expect(stdout).not.toMatch(/listening/);
    });

    it('the password is wrong', async () => {
      const wrong = new URL(url);
      wrong.password = 'wrong-password';
      const { code, stdout, stderr } = await start(wrong.href);
      expect(code).toBe(1);
      expect(stderr.trim()).toMatch(/^Reimage relay: cannot use the PostgreSQL database at postgres@127\.0\.0\.1:\d+\/test_\w+: it refused the user "postgres" \(wrong password, or no access\)\. Check the user and password in DATABASE_URL\.$/);
      expect(stderr).not.toContain('wrong-password');
      expect(stdout).not.toMatch(/listening/);
    });

    it('the database is down', async () => {
      const proxy = await startTcpProxy(Number(new URL(url).port));
      await proxy.cut();
      const { code, stdout, stderr } = await start(proxy.through(url));
      expect(code).toBe(1);
      expect(stderr.trim()).toMatch(/^Reimage relay: cannot use the PostgreSQL database at .*: nothing answers there \(connection refused\)\. Check that PostgreSQL is running/);
      expect(stdout).not.toMatch(/listening/);
    });
  });

  describe('running', () => {
    let proxy: TcpProxy;
    let relay: ServerProcess;
    let databaseUrl: string;
    beforeAll(async () => {
      proxy = await startTcpProxy(Number(new URL(url).port));
      databaseUrl = proxy.through(url);
      relay = await startRelayProcess({ DATABASE_URL: databaseUrl, RELAY_DATA_DIR: temporaryDataDir(), LLMEASY_API_KEY: '' });
    });
    afterAll(async () => {
      await relay.stop();
      await proxy.close();
    });

    it('says where it keeps the jobs: the database, without its password', () => {
      expect(relay.output()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(demo mode\); jobs kept \d+ h in the PostgreSQL database postgres@127\.0\.0\.1:\d+\/test_\w+/);
      expect(relay.output()).not.toContain(new URL(url).password);
    });

    it('takes a token made and revoked with `token create|revoke` on the same DATABASE_URL at once, with no restart, and counts its use', async () => {
      const created = await runRelayCommand(['token', 'create', 'dana'], { DATABASE_URL: databaseUrl, RELAY_DATA_DIR: temporaryDataDir() });
      expect(created.code).toBe(0);
      const { auth } = printedToken(created.stdout, 'token create');
      const me = await fetch(`${relay.url}/v1/me`, { headers: auth });
      expect(me.status).toBe(200);
      expect(await me.text()).toContain('dana');
      expect((await fetch(`${relay.url}/v1/me`)).status).toBe(401);
      const id = await submittedJobId(await submitEdit(relay.url, undefined, auth));
      expect((await waitForJob(relay.url, id, 20, auth)).status).toBe('succeeded');

      await expect.poll(async () => (await runRelayCommand(['token', 'list'], { DATABASE_URL: databaseUrl, RELAY_DATA_DIR: temporaryDataDir() })).stdout, { timeout: 10_000 }).toMatch(/^dana\s+\S+\s+[1-9]\d*\s/m);
      expect((await runRelayCommand(['token', 'revoke', 'dana'], { DATABASE_URL: databaseUrl, RELAY_DATA_DIR: temporaryDataDir() })).code).toBe(0);
      // The relay no longer knows the token: with no token left, this demo relay on loopback is open again.
      expect(await (await fetch(`${relay.url}/v1/me`, { headers: auth })).json()).toEqual({ name: null, open: true });
    });

    it('answers 503 store_unavailable with Retry-After while the database is away, and serves again by itself when it is back', async () => {
      const created = await runRelayCommand(['token', 'create', 'erin'], { DATABASE_URL: databaseUrl, RELAY_DATA_DIR: temporaryDataDir() });
      const { auth } = printedToken(created.stdout, 'token create');
      const id = await submittedJobId(await submitEdit(relay.url, undefined, auth));
      const finished = await waitForJob(relay.url, id, 20, auth);
      expect(finished.status).toBe('succeeded');

      await proxy.cut();
      const during = await getJob(relay.url, id, 0, auth);
      expect(during.status).toBe(503);
      expect(during.body.error.code).toBe('store_unavailable');
      expect(during.body.error.message).toMatch(/try again in a minute/i);
      const submit = await submitEdit(relay.url, undefined, auth);
      expect(submit.status).toBe(503);
      expect(Number(submit.headers.get('Retry-After'))).toBeGreaterThan(0);

      await proxy.restore();
      // Nothing finished is lost: the job and its image are in the database.
      await expect.poll(async () => (await getJob(relay.url, id, 0, auth)).status, { timeout: 10_000 }).toBe(200);
      expect((await getJob(relay.url, id, 0, auth)).body).toMatchObject({ id, status: 'succeeded' });
      const image = await fetch(`${relay.url}/v1/jobs/${id}/image`, { headers: auth });
      expect(image.status).toBe(200);
      expect((await image.arrayBuffer()).byteLength).toBe(finished.image!.bytes);
    });
  });
});
