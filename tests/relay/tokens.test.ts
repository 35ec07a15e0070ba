import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoUpstream } from '../../relay/demo-upstream';
import { TokenFiles } from '../../relay/store/disk/token-files';
import { createToken as addToken } from '../../relay/tokens';
import { liveUpstream } from '../../relay/upstream';
import { buildEditForm } from '../../shared/edit-form';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { solidPng } from '../fakes/png';
import { runRelayCommand, startRelayProcess, temporaryDataDir } from '../helpers/relay-process';
import { startRelay, type RunningRelay } from '../helpers/relay-server';

const API_KEY = 'sk-test-tokens-5e2b7d1c';
const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const TOKEN = /rmg_[A-Za-z0-9_-]{43}/;
const REJECTED = 'The relay rejected your access token: ask your admin for a new one and paste it in Settings.';

function editForm(): FormData {
  return buildEditForm({ prompt: 'p', size: 'auto', images: [{ filename: 'a.png', bytes: solidPng(8, 8) }] });
}

async function createToken(dataDir: string, name: string): Promise<string> {
  const created = await runRelayCommand(['token', 'create', name], { RELAY_DATA_DIR: dataDir });
  expect(created.code).toBe(0);
  return TOKEN.exec(created.stdout)![0];
}

describe('the token command', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = temporaryDataDir();
  });

  it('prints a new token once and stores only its SHA-256', async () => {
    const created = await runRelayCommand(['token', 'create', 'alice'], { RELAY_DATA_DIR: dataDir });
    expect(created.code).toBe(0);
    const token = TOKEN.exec(created.stdout)![0];
    expect(created.stdout).toContain('shown only this once');
    const stored = readdirSync(dataDir).map((file) => readFileSync(join(dataDir, file), 'utf8')).join('\n');
    expect(stored).not.toContain(token);
    expect(stored).toContain(createHash('sha256').update(token).digest('hex'));
  });

  it('lists names, creation time, usage and monthly budgets, never a token or a hash', async () => {
    const token = await createToken(dataDir, 'alice');
    await addToken(new TokenFiles(dataDir), 'bob');
    const listed = await runRelayCommand(['token', 'list'], { RELAY_DATA_DIR: dataDir });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^name +created +requests +last used +monthly images$/m);
    expect(listed.stdout).toMatch(/^alice +\d{4}-\d\d-\d\dT[\d:.]+Z +0 +never +default$/m);
    expect(listed.stdout).toMatch(/^bob /m);
    expect(listed.stdout).not.toContain(token);
    expect(listed.stdout).not.toContain(createHash('sha256').update(token).digest('hex'));
  });

  it('revokes a token by name', async () => {
    await addToken(new TokenFiles(dataDir), 'alice');
    const revoked = await runRelayCommand(['token', 'revoke', 'alice'], { RELAY_DATA_DIR: dataDir });
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('Revoked the token "alice"');
    expect((await runRelayCommand(['token', 'list'], { RELAY_DATA_DIR: dataDir })).stdout).toContain('No tokens yet');
  });

  it('refuses a second token with the same name', async () => {
    await addToken(new TokenFiles(dataDir), 'alice');
    const again = await runRelayCommand(['token', 'create', 'alice'], { RELAY_DATA_DIR: dataDir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('A token named "alice" already exists');
    expect(again.stdout).not.toMatch(TOKEN);
  });

  it('refuses the names the relay uses itself, whatever their case', async () => {
    for (const name of ['anonymous', 'Anonymous']) {
      const created = await runRelayCommand(['token', 'create', name], { RELAY_DATA_DIR: dataDir });
      expect(created.code).toBe(1);
      expect(created.stderr).toContain(`"${name}" is a name the relay uses itself`);
      expect(created.stdout).not.toMatch(TOKEN);
    }
    expect((await runRelayCommand(['token', 'list'], { RELAY_DATA_DIR: dataDir })).stdout).toContain('No tokens yet');
  });

  it('says which names exist when revoking an unknown one', async () => {
    const revoked = await runRelayCommand(['token', 'revoke', 'nobody'], { RELAY_DATA_DIR: dataDir });
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toContain('npm run relay -- token list');
  });

  it('explains its usage when called wrongly', async () => {
    const wrong = await runRelayCommand(['token', 'make'], { RELAY_DATA_DIR: dataDir });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('token create <name>');
  });
});

describe('access tokens on the relay', () => {
  let dataDir: string;
  let provider: FakeLlmEasy;
  let relay: RunningRelay;
  let store: TokenFiles;

  beforeEach(async () => {
    dataDir = temporaryDataDir();
    store = new TokenFiles(dataDir);
    provider = await startFakeLlmEasy({ apiKey: API_KEY, image: () => solidPng(8, 8) });
    relay = await startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }), access: { tokens: store, loopback: true } });
  });

  afterEach(async () => {
    await relay.close();
    await provider.close();
    await store.flush();
  });

  async function edit(authorization?: string) {
    const response = await fetch(`${relay.url}/v1/images/edits`, {
      method: 'POST',
      body: editForm(),
      headers: authorization ? { Authorization: authorization } : {},
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as { error?: { message: string; code: string; type: string } } };
  }

  it('asks for a token in live mode even on loopback while there are no tokens', async () => {
    const { status, body } = await edit();
    expect(status).toBe(401);
    expect(body.error!.code).toBe('missing_access_token');
    expect(provider.calls).toHaveLength(0);
  });

  it('refuses a request without a token, before calling the provider', async () => {
    await addToken(store, 'alice');
    const { status, headers, body } = await edit();
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Bearer');
    expect(body.error).toEqual({ message: 'The relay needs an access token: paste yours in Settings → Access token. Your admin hands them out; a relay on your own machine printed one when it first started.', type: 'invalid_request_error', code: 'missing_access_token' });
    expect(provider.calls).toHaveLength(0);
  });

  it('refuses a wrong token with what to do, before calling the provider', async () => {
    const token = await addToken(store, 'alice');
    const { status, body } = await edit(`Bearer ${token.slice(0, -2)}xx`);
    expect(status).toBe(401);
    expect(body.error).toEqual({ message: REJECTED, type: 'invalid_request_error', code: 'invalid_access_token' });
    expect(provider.calls).toHaveLength(0);
  });

  it('refuses an Authorization header that is not a bearer token', async () => {
    const token = await addToken(store, 'alice');
    expect((await edit(`Basic ${token}`)).status).toBe(401);
    expect(provider.calls).toHaveLength(0);
  });

  it('lets a valid token through and counts its use', async () => {
    const token = await addToken(store, 'alice');
    expect((await edit(`Bearer ${token}`)).status).toBe(200);
    await store.flush();
    expect(await new TokenFiles(dataDir).list()).toEqual([{ name: 'alice', createdAt: expect.any(String), requests: 1, lastUsedAt: expect.any(String) }]);
  });

  it('refuses a token revoked while the relay runs', async () => {
    const token = await addToken(store, 'alice');
    await addToken(store, 'bob');
    expect((await edit(`Bearer ${token}`)).status).toBe(200);
    await runRelayCommand(['token', 'revoke', 'alice'], { RELAY_DATA_DIR: dataDir });
    const { status, body } = await edit(`Bearer ${token}`);
    expect(status).toBe(401);
    expect(body.error!.message).toBe(REJECTED);
    expect(provider.calls).toHaveLength(1);
  });

  it('keeps /healthz and CORS preflight open', async () => {
    await addToken(store, 'alice');
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    const preflight = await fetch(`${relay.url}/v1/images/edits`, {
      method: 'OPTIONS',
      headers: { Origin: 'null', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
  });
});

describe('a demo relay on loopback without tokens', () => {
  let relay: RunningRelay;
  let store: TokenFiles;

  beforeEach(async () => {
    store = new TokenFiles(temporaryDataDir());
    relay = await startRelay({ upstream: demoUpstream(), mode: 'demo', access: { tokens: store, loopback: true } });
  });

  afterEach(() => relay.close());

  it('is open to this machine, as one anonymous client: it spends nothing', async () => {
    expect((await fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: editForm() })).status).toBe(200);
    await expect.poll(() => relay.logs.join('\n')).toContain('"client":"anonymous","method":"POST"');
  });

  it('refuses requests forwarded by a proxy', async () => {
    const response = await fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: editForm(), headers: { 'X-Forwarded-For': '203.0.113.7' } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('npm run relay -- token create <name>');
  });

  it('asks for a token as soon as one exists', async () => {
    await addToken(store, 'alice');
    expect((await fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: editForm() })).status).toBe(401);
  });
});

describe('starting the relay beyond loopback', () => {
  it('refuses to listen on 0.0.0.0 without tokens and says why', async () => {
    const started = await runRelayCommand([], { HOST: '0.0.0.0', PORT: '0', RELAY_DATA_DIR: temporaryDataDir() });
    expect(started.code).toBe(1);
    expect(started.stderr).toContain('refusing to listen on 0.0.0.0');
    expect(started.stderr).toContain('npm run relay -- token create <name>');
  });

  it('listens on 0.0.0.0 once a token exists, and asks for it', async () => {
    const dataDir = temporaryDataDir();
    const token = await addToken(new TokenFiles(dataDir), 'alice');
    const relay = await startRelayProcess({ HOST: '0.0.0.0', RELAY_DATA_DIR: dataDir, LLMEASY_API_KEY: '' });
    try {
      const url = `http://127.0.0.1:${relay.port}/v1/images/edits`;
      expect((await fetch(url, { method: 'POST', body: editForm() })).status).toBe(401);
      expect((await fetch(url, { method: 'POST', body: editForm(), headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
      const health = await fetch(`http://127.0.0.1:${relay.port}/healthz`);
      expect(await health.json()).toMatchObject({ status: 'ok', mode: 'demo', version: PACKAGE_VERSION });
    } finally {
      await relay.stop();
    }
  });
});
