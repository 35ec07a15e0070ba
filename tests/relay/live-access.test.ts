import { existsSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localTokenName } from '../../relay/local-token';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { editForm } from '../helpers/job-client';
import { readConnectionCode } from '../../shared/connection-code';
import { firstStartToken, runRelayCommand, startRelayProcess, startupOutput, temporaryDataDir, TOKEN_PATTERN, type ServerProcess } from '../helpers/relay-process';

const API_KEY = 'sk-test-live-access-77c1';

describe('a live relay on loopback', { timeout: 60_000 }, () => {
  let provider: FakeLlmEasy;
  let dataDir: string;
  const started: ServerProcess[] = [];

  async function startLive(): Promise<ServerProcess> {
    const relay = await startRelayProcess({ HOST: '127.0.0.1', LLMEASY_API_KEY: API_KEY, LLMEASY_BASE_URL: provider.baseUrl, RELAY_DATA_DIR: dataDir });
    started.push(relay);
    return relay;
  }

  const edit = (relay: ServerProcess, headers: Record<string, string> = {}) => fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: editForm(), headers });

  beforeEach(async () => {
    provider = await startFakeLlmEasy({ apiKey: API_KEY });
    dataDir = temporaryDataDir();
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((relay) => relay.stop()));
    await provider.close();
  });

  it('makes a token for this machine\'s user on its first start, prints it with where to paste it, and asks for it', async () => {
    const relay = await startLive();
    const { token, auth } = await firstStartToken(relay);
    const name = localTokenName(userInfo().username);
    expect(relay.output()).toContain(`Made the token "${name}" for you`);
    expect(relay.output()).toContain('Settings → Connection code');
    // The code as printed sets up this relay and this token in one paste.
    const code = /^ {4}(\S+#\S+)$/m.exec(relay.output())?.[1];
    expect(readConnectionCode(code ?? '')).toEqual({ connection: { relayUrl: relay.url.replace('127.0.0.1', 'localhost'), accessToken: token } });
    expect((await runRelayCommand(['token', 'list'], { RELAY_DATA_DIR: dataDir })).stdout).toMatch(new RegExp(`^${name.replaceAll('.', '\\.')} `, 'm'));

    const refused = await edit(relay);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('missing_access_token');
    expect(provider.calls).toHaveLength(0);

    expect((await edit(relay, auth)).status).toBe(200);
    expect(provider.calls).toHaveLength(1);
    expect(provider.calls[0].authorization).toBe(`Bearer ${API_KEY}`);
    await expect.poll(() => relay.output()).toContain(`"client":"${name}"`);
    // Printed once: the log lines after it never repeat it.
    expect(relay.output().split(token)).toHaveLength(2);
  });

  it('prints no token on later starts, and the first one keeps working', async () => {
    const first = await startLive();
    const { auth } = await firstStartToken(first);
    await first.stop();

    const again = await startLive();
    const printed = await startupOutput(again);
    expect(printed).not.toMatch(TOKEN_PATTERN);
    expect(printed).toContain('Access: each request needs one of the tokens');
    expect((await edit(again)).status).toBe(401);
    expect((await edit(again, auth)).status).toBe(200);
  });

  it('keeps this machine\'s token for the playground in a file only its owner can read', async () => {
    const relay = await startLive();
    await firstStartToken(relay);
    expect(statSync(join(dataDir, 'local-token')).mode & 0o777).toBe(0o600);
  });

  it('forgets this machine\'s token once it is revoked, and makes none while other tokens exist', async () => {
    const first = await startLive();
    await firstStartToken(first);
    await first.stop();
    expect((await runRelayCommand(['token', 'create', 'bob'], { RELAY_DATA_DIR: dataDir })).code).toBe(0);
    expect((await runRelayCommand(['token', 'revoke', localTokenName(userInfo().username)], { RELAY_DATA_DIR: dataDir })).code).toBe(0);

    const again = await startLive();
    expect(await startupOutput(again)).not.toMatch(TOKEN_PATTERN);
    expect(existsSync(join(dataDir, 'local-token'))).toBe(false);
  });

  it('answers GET /v1/me with the name of the caller\'s token and its images this month', async () => {
    const relay = await startLive();
    const { token, auth } = await firstStartToken(relay);
    const me = await fetch(`${relay.url}/v1/me`, { headers: auth });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({
      name: localTokenName(userInfo().username),
      usage: { month: new Date().toISOString().slice(0, 7), made: 0, resetsAt: expect.stringMatching(/^\d{4}-\d\d-01T00:00:00\.000Z$/) },
    });
    expect((await fetch(`${relay.url}/v1/me`)).status).toBe(401);
    const wrong = await fetch(`${relay.url}/v1/me`, { headers: { Authorization: `Bearer ${token.slice(0, -1)}x` } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('invalid_access_token');
  });
});

describe('a demo relay on loopback', { timeout: 60_000 }, () => {
  let relay: ServerProcess;

  beforeEach(async () => {
    relay = await startRelayProcess({ HOST: '127.0.0.1', LLMEASY_API_KEY: '', RELAY_DATA_DIR: temporaryDataDir() });
  });

  afterEach(() => relay.stop());

  it('stays open to this machine without tokens, as it spends nothing', async () => {
    expect((await fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: editForm() })).status).toBe(200);
    expect(await startupOutput(relay)).not.toMatch(TOKEN_PATTERN);
  });

  it('answers GET /v1/me with no name and open: true', async () => {
    const me = await fetch(`${relay.url}/v1/me`);
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ name: null, open: true });
  });
});
