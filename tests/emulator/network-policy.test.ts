import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../emulator/main';
import { contentSecurityPolicy, withContentSecurityPolicy } from '../../emulator/network-policy';
import { startEmulator } from '../../emulator/serve';
import { openFigma, type Playground, startPlayground } from '../e2e/harness';

const ACCESS = { allowedDomains: ['https://relay.team.example', '*.cdn.example'], devAllowedDomains: ['http://localhost:8787'] };

describe('the content security policy Figma derives from networkAccess', () => {
  it('holds every network request to the listed domains, the development ones too while developing', () => {
    const policy = contentSecurityPolicy(ACCESS)!;
    expect(policy).toContain("default-src data: blob: https://relay.team.example *.cdn.example http://localhost:8787;");
    expect(policy).toContain("script-src 'unsafe-inline' 'unsafe-eval' https://relay.team.example");
    expect(policy).toContain('img-src data: blob: https://relay.team.example');
    expect(contentSecurityPolicy(ACCESS, false)).not.toContain('localhost');
  });

  it('blocks every domain for ["none"], and nothing when the manifest has no networkAccess', () => {
    expect(contentSecurityPolicy({ allowedDomains: ['none'] })).toMatch(/^default-src data: blob:; script-src 'unsafe-inline' 'unsafe-eval'; /);
    expect(contentSecurityPolicy(undefined)).toBeUndefined();
  });

  it('puts the policy first in the head, before any script can run', () => {
    const html = withContentSecurityPolicy('<!doctype html><html><head><script>fetch("/")</script></head></html>', "default-src 'none'");
    expect(html).toBe('<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'"><script>fetch("/")</script></head></html>');
    expect(withContentSecurityPolicy('<header>Hi</header>', 'default-src a.example')).toBe('<meta http-equiv="Content-Security-Policy" content="default-src a.example"><header>Hi</header>');
  });
});

describe('the emulator server’s manifest', () => {
  it('is manifest.json with the development origins given at start and added later', async () => {
    const emulator = await startEmulator({ port: 0, devAllowedDomains: ['http://127.0.0.1:4100'] });
    try {
      emulator.allowDevDomain('http://127.0.0.1:4200');
      const manifest = await (await fetch(`${emulator.url}/manifest.json`)).json();
      expect(manifest.networkAccess.devAllowedDomains).toEqual(['http://localhost:8787', 'http://127.0.0.1:4100', 'http://127.0.0.1:4200']);
      expect(manifest.networkAccess.allowedDomains).toEqual(['https://reimage-relay.example.com']);
      expect(manifest.id).toBe('reimage-gpt-image-2');
    } finally {
      await emulator.close();
    }
  });
});

async function answering(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'access-control-allow-origin': '*' }).end('answered')).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

// A UI that fetches each origin and writes what happened into its body.
const PROBE = (origins: string[]) => `<!doctype html><html><head></head><body><script>
  const seen = [];
  document.addEventListener('securitypolicyviolation', (event) => seen.push('violation ' + new URL(event.blockedURI).origin));
  (async () => {
    for (const origin of ${JSON.stringify(origins)}) {
      try { seen.push(origin + ' ' + (await (await fetch(origin + '/ping')).text())); } catch (error) { seen.push(origin + ' ' + error.name); }
    }
    await new Promise((done) => setTimeout(done, 100));
    document.body.dataset.seen = JSON.stringify(seen);
  })();
</script></body></html>`;

describe('the plugin window in Chromium', { timeout: 60_000 }, () => {
  let listed: Awaited<ReturnType<typeof answering>>;
  let unlisted: Awaited<ReturnType<typeof answering>>;
  let playground: Playground;

  beforeAll(async () => {
    [listed, unlisted] = await Promise.all([answering(), answering()]);
    playground = await startPlayground([listed.origin]);
  });

  afterAll(async () => {
    await playground.close();
    listed.server.close();
    unlisted.server.close();
  });

  it('lets the UI reach an origin the manifest lists and blocks one it does not, as Figma’s policy does', async () => {
    const page = await openFigma(playground);
    await page.evaluate((html) => (window as unknown as { emulator: Emulator }).emulator.figma.showUI(html, { title: 'Network probe' }), PROBE([listed.origin, unlisted.origin]));
    const body = page.frameLocator('iframe[title="Network probe"]').locator('body[data-seen]');
    const seen = JSON.parse((await body.getAttribute('data-seen', { timeout: 10_000 }))!);
    expect(seen).toEqual([`${listed.origin} answered`, `${unlisted.origin} TypeError`, `violation ${unlisted.origin}`]);
  });

  it('lets the UI fetch data: and blob: URLs, as Figma’s default-src does', async () => {
    const page = await openFigma(playground);
    const probe = `<!doctype html><html><head></head><body><script>
      (async () => {
        const seen = [];
        for (const url of ['data:text/plain,answered', URL.createObjectURL(new Blob(['answered']))]) {
          try { seen.push(url.slice(0, 5) + ' ' + (await (await fetch(url)).text())); } catch (error) { seen.push(url.slice(0, 5) + ' ' + error.name); }
        }
        document.body.dataset.seen = JSON.stringify(seen);
      })();
    </script></body></html>`;
    await page.evaluate((html) => (window as unknown as { emulator: Emulator }).emulator.figma.showUI(html, { title: 'Local probe' }), probe);
    const body = page.frameLocator('iframe[title="Local probe"]').locator('body[data-seen]');
    expect(JSON.parse((await body.getAttribute('data-seen', { timeout: 10_000 }))!)).toEqual(['data: answered', 'blob: answered']);
  });
});
