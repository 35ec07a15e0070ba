import { readdir, readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/serve';

const dist = resolve(import.meta.dirname, '../../dist');

async function distState(): Promise<string[]> {
  const names = (await readdir(dist)).sort();
  return Promise.all(names.map(async (name) => `${name}:${(await stat(resolve(dist, name))).mtimeMs}`));
}

describe('the emulator server', () => {
  it('serves the emulator page and the built plugin, and writes nothing into dist/', async () => {
    const before = await distState();
    const emulator = await startEmulator({ port: 0 });
    try {
      const page = await (await fetch(`${emulator.url}/`)).text();
      expect(page).toContain('aria-label="Plugin window"');
      const plugin = await fetch(`${emulator.url}/dist/plugin.js`);
      expect(await plugin.text()).toBe(await readFile(resolve(dist, 'plugin.js'), 'utf8'));
      expect((await fetch(`${emulator.url}/manifest.json`)).headers.get('content-type')).toMatch(/application\/json/);
      expect((await fetch(`${emulator.url}/../relay/main.ts`)).status).toBe(404);
    } finally {
      await emulator.close();
    }
    expect(await distState()).toEqual(before);
  });
});
