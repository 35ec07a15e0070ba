import { afterEach, describe, expect, it } from 'vitest';
import { readConnectionCode } from '../../shared/connection-code';
import { runRelayCommand, startRelayProcess, temporaryDataDir, TOKEN_PATTERN, type ServerProcess } from '../helpers/relay-process';

const CODE = /^(https?:\/\/\S+#rmg_\S+)$/m;

describe('token create prints a connection code beside the token', { timeout: 60_000 }, () => {
  const started: ServerProcess[] = [];

  afterEach(async () => {
    await Promise.all(started.splice(0).map((relay) => relay.stop()));
  });

  it('prints, with PUBLIC_URL set, a code that holds the relay and the token, which the relay then accepts', async () => {
    const dataDir = temporaryDataDir();
    const relay = await startRelayProcess({ HOST: '127.0.0.1', RELAY_DATA_DIR: dataDir });
    started.push(relay);

    const created = await runRelayCommand(['token', 'create', 'alice'], { RELAY_DATA_DIR: dataDir, PUBLIC_URL: `${relay.url}/` });
    expect(created.code).toBe(0);
    const token = TOKEN_PATTERN.exec(created.stdout)![0];
    const code = CODE.exec(created.stdout)![1];
    expect(code).toBe(`${relay.url}#${token}`);
    expect(created.stdout).toContain('Reimage → Settings → Connection code');

    const read = readConnectionCode(code);
    if (!('connection' in read)) throw new Error(read.problem);
    const me = await fetch(`${read.connection.relayUrl}/v1/me`, { headers: { Authorization: `Bearer ${read.connection.accessToken}` } });
    expect(await me.json()).toMatchObject({ name: 'alice' });
  });

  it('prints the token alone without PUBLIC_URL, and how to get a code', async () => {
    const created = await runRelayCommand(['token', 'create', 'bob'], { RELAY_DATA_DIR: temporaryDataDir(), PUBLIC_URL: '' });
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(TOKEN_PATTERN);
    expect(created.stdout).not.toMatch(/#rmg_/);
    expect(created.stdout).toContain("Set PUBLIC_URL to this relay's address (PUBLIC_URL=https://relay.example.com) to get a connection code as well");
  });

  it.each([
    ['http://relay.example.com', 'uses http://, which Figma allows only for a relay on this computer'],
    ['https://relay.example.com/v1', 'has more than the relay\'s address: give https://relay.example.com alone'],
    ['relay.example.com', '"relay.example.com" is not a web address'],
  ])('refuses PUBLIC_URL=%s with what it must be, and creates no token', async (publicUrl, problem) => {
    const dataDir = temporaryDataDir();
    const created = await runRelayCommand(['token', 'create', 'cleo'], { RELAY_DATA_DIR: dataDir, PUBLIC_URL: publicUrl });
    expect(created.code).toBe(1);
    expect(created.stderr).toContain("PUBLIC_URL must be this relay's address as designers reach it, such as https://relay.example.com: ");
    expect(created.stderr).toContain(problem);
    expect(created.stdout).not.toMatch(TOKEN_PATTERN);
    const listed = await runRelayCommand(['token', 'list'], { RELAY_DATA_DIR: dataDir });
    expect(listed.stdout).toContain('No tokens yet');
  });
});
