import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve } from 'node:path';
import { build, type Rolldown } from 'vite';
import type { PlaygroundConfig } from './playground-config';
import { type NetworkAccess, withDevAllowedDomains } from './network-policy';

const root = resolve(import.meta.dirname, '..');

export const DEFAULT_EMULATOR_PORT = 8788;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether a request comes from the emulator's own page, opened on this machine: addressed to
 * localhost by name (a page that rebinds its own domain to 127.0.0.1 names that domain) and, where
 * the browser says, not sent by another site.
 */
function fromOwnPage(req: IncomingMessage): boolean {
  const host = new URL(`http://${req.headers.host ?? 'unknown'}`).hostname;
  const site = req.headers['sec-fetch-site'];
  return LOOPBACK_NAMES.has(host) && (site === undefined || site === 'same-origin');
}

export interface EmulatorOptions {
  port?: number;
  host?: string;
  /** The relay `npm start` runs, for the page to set in the plugin's settings: served at /playground-config. */
  playground?: () => Promise<PlaygroundConfig | undefined>;
}

export interface RunningEmulator {
  url: string;
  /**
   * Lets the plugin reach `origin` from pages opened after, as a developer adds it to manifest.json's
   * devAllowedDomains and reopens the plugin: the tests' relays listen on random loopback ports.
   */
  allowDevDomain(origin: string): void;
  close(): Promise<void>;
}

export interface EmulatorOptions {
  port?: number;
  host?: string;
  /** Origins served as if manifest.json's devAllowedDomains listed them too. */
  devAllowedDomains?: string[];
}

/** Bundles the emulator page in memory: it is tooling, so nothing of it is ever written to dist/. */
async function bundlePage(): Promise<Map<string, string | Uint8Array>> {
  const output = (await build({
    configFile: false,
    root: resolve(root, 'emulator'),
    logLevel: 'warn',
    build: { write: false, target: 'es2022', rollupOptions: { input: resolve(root, 'emulator/index.html') } },
  })) as Rolldown.RolldownOutput;
  return new Map(output.output.map((file) => [`/${file.fileName}`, file.type === 'chunk' ? file.code : file.source]));
}

/** manifest.json as the emulator page reads it, with the extra development origins. */
async function servedManifest(devAllowedDomains: readonly string[]): Promise<string> {
  const manifest = JSON.parse(await readFile(resolve(root, 'manifest.json'), 'utf8')) as { networkAccess?: NetworkAccess };
  return JSON.stringify(withDevAllowedDomains(manifest, devAllowedDomains), null, 2);
}

/**
 * Serves the Figma host emulator and the built plugin beside it: `/` is the emulator page, which
 * loads `/dist/plugin.js`, `/dist/ui.html` (read fresh on each request, so a rebuild shows on
 * reload), `/manifest.json` (the real one, plus any development origins given) and, for the
 * playground, `/playground-config`.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const page = await bundlePage();
  const devAllowedDomains = [...(options.devAllowedDomains ?? [])];
  const files: Record<string, string> = {
    '/dist/plugin.js': resolve(root, 'dist/plugin.js'),
    '/dist/ui.html': resolve(root, 'dist/ui.html'),
  };
  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    const key = path === '/' ? '/index.html' : path;
    const headers = { 'content-type': TYPES[extname(key)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
    if (key === '/playground-config' && options.playground) {
      // It may hold an access token: for the playground's own page only.
      if (!fromOwnPage(req)) return res.writeHead(403, { 'content-type': 'text/plain' }).end('Only the playground page on this machine may read its settings.');
      const config = await options.playground();
      return config ? res.writeHead(200, { ...headers, 'content-type': TYPES['.json'] }).end(JSON.stringify(config)) : res.writeHead(204, headers).end();
    }
    const bundled = page.get(key);
    if (bundled !== undefined) return res.writeHead(200, headers).end(bundled);
    if (key === '/manifest.json') return res.writeHead(200, headers).end(await servedManifest(devAllowedDomains));
    if (!files[key]) return res.writeHead(404, { 'content-type': 'text/plain' }).end(`Not found: ${path}`);
    try {
      res.writeHead(200, headers).end(await readFile(files[key]));
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`${path} is missing: run npm run build first.`);
    }
  });
  server.listen(options.port ?? DEFAULT_EMULATOR_PORT, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    allowDevDomain: (origin) => void devAllowedDomains.push(origin),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
