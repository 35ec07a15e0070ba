import { readdir, readFile, stat } from 'node:fs/promises';
import { get } from 'node:http';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/serve';

const dist = resolve(import.meta.dirname, '../../dist');

/** A GET with exactly these headers (fetch would not send a Host of its own choosing). */
function getRaw(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

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

  it('serves the playground its relay at /playground-config, to its own page on this machine only', async () => {
    const emulator = await startEmulator({ port: 0, playground: async () => ({ relayUrl: 'http://localhost:8787', accessToken: 'rmg_secret' }) });
    try {
      const own = await fetch(`${emulator.url}/playground-config`, { headers: { 'Sec-Fetch-Site': 'same-origin' } });
      expect(await own.json()).toEqual({ relayUrl: 'http://localhost:8787', accessToken: 'rmg_secret' });
      const { port } = new URL(emulator.url);
      const foreign: Record<string, string>[] = [{ 'Sec-Fetch-Site': 'cross-site' }, { 'Sec-Fetch-Site': 'same-site' }, { Host: `rebound.example:${port}` }];
      for (const headers of foreign) {
        const refused = await getRaw(`${emulator.url}/playground-config`, headers);
        expect([headers, refused.status]).toEqual([headers, 403]);
        expect(refused.body).not.toContain('rmg_secret');
      }
    } finally {
      await emulator.close();
    }
  });

  it('has no /playground-config when it serves no playground (the tests)', async () => {
    const emulator = await startEmulator({ port: 0 });
    try {
      expect((await fetch(`${emulator.url}/playground-config`)).status).toBe(404);
    } finally {
      await emulator.close();
    }
  });
});

