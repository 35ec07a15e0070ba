import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PLANTED_KEY = 'sk-planted-build-key-93b1d2';

describe('the built plugin', () => {
  let outDir: string;
  let ui: string;
  let plugin: string;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'reimage-dist-'));
    process.env.LLMEASY_API_KEY = PLANTED_KEY;
    try {
      for (const mode of ['ui', 'plugin']) {
        await build({ configFile: join(import.meta.dirname, '../vite.config.ts'), mode, logLevel: 'silent', build: { outDir } });
      }
    } finally {
      delete process.env.LLMEASY_API_KEY;
    }
    ui = await readFile(join(outDir, 'ui.html'), 'utf8');
    plugin = await readFile(join(outDir, 'plugin.js'), 'utf8');
  }, 60_000);

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('makes ui.html one self-contained file that loads nothing from outside', () => {
    expect(ui).toContain('<script type="module"');
    expect(ui).not.toMatch(/<script[^>]+src=/);
    expect(ui).not.toMatch(/<link[^>]+href=/);
    expect(ui).not.toMatch(/@import|url\(\s*['"]?https?:/);
  });

  it('makes plugin.js a plain script with no module syntax', () => {
    expect(plugin.trimStart().startsWith('(function')).toBe(true);
    expect(plugin).not.toMatch(/^\s*(import|export)\s/m);
  });

  it('never puts the provider key into dist, even when it is set at build time', () => {
    expect(ui).not.toContain(PLANTED_KEY);
    expect(plugin).not.toContain(PLANTED_KEY);
  });

  it('keeps the manifest pointing at the built files with dynamic-page access', async () => {
    const manifest = JSON.parse(await readFile(join(import.meta.dirname, '../manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ api: '1.0.0', editorType: ['figma'], documentAccess: 'dynamic-page', main: 'dist/plugin.js', ui: 'dist/ui.html' });
    expect(manifest.networkAccess.devAllowedDomains).toContain('http://localhost:8787');
    expect(manifest.networkAccess.reasoning).toBeTruthy();
  });
});
