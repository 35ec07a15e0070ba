import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeFigma } from '../emulator/figma/fake-figma';
import type { PluginMessage, Settings } from '../shared/protocol';

const ROOT = join(import.meta.dirname, '..');
const BUILD_SETTINGS = ['RELAY_URL', 'PORT', 'PLUGIN_ID'] as const;
const outDirs: string[] = [];

/** `npm run build`'s two Vite builds, for real, into a folder of their own, with the given build settings. */
async function buildPlugin(env: Partial<Record<(typeof BUILD_SETTINGS)[number], string>>, outDir?: string): Promise<string> {
  const dir = outDir ?? (await mkdtemp(join(tmpdir(), 'reimage-org-dist-')));
  outDirs.push(dir);
  const saved = BUILD_SETTINGS.map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, env);
  try {
    for (const mode of ['ui', 'plugin']) {
      await build({ configFile: join(ROOT, 'vite.config.ts'), mode, logLevel: 'silent', build: { outDir: dir } });
    }
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  return dir;
}

/** The settings the built plugin.js starts with on a fresh Figma (nothing stored), run as Figma runs it. */
async function defaultSettings(dir: string): Promise<Settings> {
  const fakeFigma = new FakeFigma();
  Object.assign(globalThis, { figma: fakeFigma.openPlugin(), __html__: await readFile(join(dir, 'ui.html'), 'utf8') });
  new Function(await readFile(join(dir, 'plugin.js'), 'utf8'))();
  fakeFigma.run('');
  await fakeFigma.sendFromUi({ type: 'ready' });
  return fakeFigma.messagesOfType<Extract<PluginMessage, { type: 'init' }>>('init')[0].settings;
}

const repoManifest = async () => JSON.parse(await readFile(join(ROOT, 'manifest.json'), 'utf8'));

afterAll(async () => {
  await Promise.all(outDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('an organisation build (RELAY_URL=… npm run build)', { timeout: 120_000 }, () => {
  it('writes a manifest beside the built files that lists the relay, the development relay on PORT and the id Figma assigned', async () => {
    const before = await readFile(join(ROOT, 'manifest.json'), 'utf8');
    const dir = await buildPlugin({ RELAY_URL: 'https://relay.example.com/', PORT: '9787', PLUGIN_ID: '1234567890123456789' });
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    const original = await repoManifest();
    expect(manifest).toEqual({
      ...original,
      id: '1234567890123456789',
      main: 'plugin.js',
      ui: 'ui.html',
      networkAccess: { ...original.networkAccess, allowedDomains: ['https://relay.example.com'], devAllowedDomains: ['http://localhost:9787'] },
    });
    expect(existsSync(join(dir, manifest.main))).toBe(true);
    expect(existsSync(join(dir, manifest.ui))).toBe(true);
    expect(await readFile(join(ROOT, 'manifest.json'), 'utf8')).toBe(before);
  });

  it('makes the relay the plugin’s default, and the UI checks its relay against the written manifest', async () => {
    const dir = await buildPlugin({ RELAY_URL: 'https://relay.example.com' });
    expect((await defaultSettings(dir)).relayUrl).toBe('https://relay.example.com');
    const ui = await readFile(join(dir, 'ui.html'), 'utf8');
    expect(ui).not.toContain((await repoManifest()).networkAccess.allowedDomains[0]);
    expect(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')).id).toBe((await repoManifest()).id);
  });

  it('stays the plain build without RELAY_URL: the relay on this computer by default, no manifest in dist, even one an earlier build left', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reimage-org-dist-'));
    await writeFile(join(dir, 'manifest.json'), '{"left":"by an earlier organisation build"}');
    await buildPlugin({ RELAY_URL: '' }, dir);
    expect(existsSync(join(dir, 'manifest.json'))).toBe(false);
    expect((await defaultSettings(dir)).relayUrl).toBe('http://localhost:8787');
    expect(await readFile(join(dir, 'ui.html'), 'utf8')).toContain((await repoManifest()).networkAccess.allowedDomains[0]);
  });

  it.each([
    [{ RELAY_URL: 'http://relay.example.com' }, `RELAY_URL must be your relay's public https address, such as https://relay.example.com: "http://relay.example.com" uses http://; an organisation's relay needs https://`],
    [{ RELAY_URL: 'http://localhost:8787' }, 'a relay on http://localhost is for development, and the plain npm run build already lets the plugin reach it'],
    [{ RELAY_URL: 'https://relay.example.com/v1' }, `"https://relay.example.com/v1" has more than the relay's address: give https://relay.example.com alone`],
    [{ RELAY_URL: 'relay.example.com' }, '"relay.example.com" is not a web address'],
    [{ RELAY_URL: 'htps://relay.example.com' }, '"htps://relay.example.com" starts with htps:, not https://'],
    [{ RELAY_URL: 'https://relay.example.com', PORT: '87o7' }, 'PORT must be the port of the relay npm start runs on this computer, a whole number from 1 to 65535; it is "87o7".'],
    [{ RELAY_URL: 'https://relay.example.com', PLUGIN_ID: 'reimage' }, 'PLUGIN_ID must be the plugin id Figma assigned, digits only'],
  ])('fails on %j with what is expected, writing nothing', async (env, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'reimage-org-dist-'));
    await expect(buildPlugin(env, dir)).rejects.toThrow(message);
    expect(existsSync(join(dir, 'plugin.js'))).toBe(false);
  });

  it('stops npm run build with the message and a failing exit status', async () => {
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile('npm', ['run', 'build'], { cwd: ROOT, env: { ...process.env, RELAY_URL: 'https://relay.example.com/v1' } }, (error, _stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }),
      );
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("RELAY_URL must be your relay's public https address, such as https://relay.example.com: ");
  });
});
