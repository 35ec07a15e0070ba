import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { solidPng } from '../fakes/png';
import { firstStartToken, startRelayProcess, temporaryDataDir, type ServerProcess } from '../helpers/relay-process';
import { launchChromium } from '../e2e/harness';

const API_KEY = 'sk-test-drive-by-0b3e';

/**
 * What a web page the designer happens to have open can try against a relay on this machine: it
 * knows the address (the README says it) but not the token. Each attempt reports what the page saw.
 */
function attackScript(relay: string, pngBase64: string): string {
  return `
    const relay = ${JSON.stringify(relay)};
    const png = Uint8Array.from(atob(${JSON.stringify(pngBase64)}), (c) => c.charCodeAt(0));
    const form = () => {
      const body = new FormData();
      body.append('prompt', 'drive-by');
      body.append('size', '1024x1024');
      body.append('image', new Blob([png], { type: 'image/png' }), 'a.png');
      return body;
    };
    const json = JSON.stringify({ prompt: 'drive-by', size: '1024x1024' });
    const attempts = {
      'generation as JSON': () => fetch(relay + '/v1/images/generations', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: json }),
      'edit as multipart (no preflight)': () => fetch(relay + '/v1/images/edits', { method: 'POST', body: form() }),
      'edit as a job': () => fetch(relay + '/v1/images/edits', { method: 'POST', headers: { Prefer: 'respond-async' }, body: form() }),
      'edit with credentials': () => fetch(relay + '/v1/images/edits', { method: 'POST', credentials: 'include', body: form() }),
      'edit, no-cors': () => fetch(relay + '/v1/images/edits', { method: 'POST', mode: 'no-cors', body: form() }),
      'generation as text/plain, no-cors': () => fetch(relay + '/v1/images/generations', { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: json }),
      'who am I': () => fetch(relay + '/v1/me'),
      'a made-up token': () => fetch(relay + '/v1/images/generations', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer rmg_guess' }, body: json }),
    };
    window.attack = async () => {
      const seen = {};
      for (const [name, attempt] of Object.entries(attempts)) {
        try {
          const response = await attempt();
          seen[name] = response.type === 'opaque' ? 'opaque' : response.status;
        } catch (error) {
          seen[name] = 'blocked: ' + error.message;
        }
      }
      return seen;
    };
    // A plain HTML form needs no script permission from the relay at all.
    window.submitForm = () => {
      const form = document.createElement('form');
      form.method = 'POST';
      form.enctype = 'multipart/form-data';
      form.action = relay + '/v1/images/edits';
      form.target = 'sink';
      for (const [name, value] of [['prompt', 'drive-by'], ['size', '1024x1024']]) {
        const input = Object.assign(document.createElement('input'), { name, value });
        form.append(input);
      }
      const file = Object.assign(document.createElement('input'), { type: 'file', name: 'image' });
      const files = new DataTransfer();
      files.items.add(new File([png], 'a.png', { type: 'image/png' }));
      file.files = files.files;
      form.append(file);
      document.body.append(form);
      form.submit();
    };
  `;
}

/** A page on its own loopback origin: the attack at `/`, and the same script in a sandboxed (null-origin) iframe at `/sandboxed`. */
async function startAttackSite(script: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const html =
      req.url === '/sandboxed'
        ? `<!doctype html><iframe sandbox="allow-scripts allow-forms" srcdoc="${`<script>${script}</script>`.replaceAll('&', '&amp;').replaceAll('"', '&quot;')}"></iframe>`
        : `<!doctype html><iframe name="sink"></iframe><script>${script}</script>`;
    res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** The plugin's panel as Figma hosts it: a sandboxed iframe (origin "null") holding the token pasted in Settings. */
function pluginFrame(relay: string, token: string): string {
  const script = `
    window.generate = async () => {
      const response = await fetch(${JSON.stringify(relay)} + '/v1/images/generations', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + ${JSON.stringify(token)} },
        body: JSON.stringify({ prompt: 'a plugin request', size: '1024x1024' }),
      });
      const body = await response.json();
      return { status: response.status, origin: self.origin, hasImage: typeof body.data?.[0]?.b64_json === 'string' };
    };`;
  return `<!doctype html><iframe sandbox="allow-scripts" srcdoc="${`<script>${script}</script>`.replaceAll('&', '&amp;').replaceAll('"', '&quot;')}"></iframe>`;
}

/** The page's iframe, once its script has defined `global`. */
async function childFrame(page: Page, global: string): Promise<Frame> {
  await expect.poll(() => page.frames().length).toBe(2);
  const frame = page.frames().find((candidate) => candidate !== page.mainFrame())!;
  await frame.waitForFunction(`typeof window.${global} === 'function'`);
  return frame;
}

describe('a live relay on loopback against the web pages open in the designer\'s browser', { timeout: 90_000 }, () => {
  let provider: FakeLlmEasy;
  let relay: ServerProcess;
  let site: { url: string; server: Server };
  let browser: Browser;
  let page: Page;
  const answered: { url: string; method: string; status: number }[] = [];

  beforeAll(async () => {
    provider = await startFakeLlmEasy({ apiKey: API_KEY, image: () => solidPng(8, 8) });
    relay = await startRelayProcess({ HOST: '127.0.0.1', LLMEASY_API_KEY: API_KEY, LLMEASY_BASE_URL: provider.baseUrl, RELAY_DATA_DIR: temporaryDataDir() });
    site = await startAttackSite(attackScript(relay.url, Buffer.from(solidPng(8, 8)).toString('base64')));
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('response', (response) => {
      if (response.url().startsWith(relay.url)) answered.push({ url: response.url(), method: response.request().method(), status: response.status() });
    });
  });

  afterAll(async () => {
    await browser?.close();
    site?.server.close();
    await relay?.stop();
    await provider?.close();
  });

  /** The relay's own log lines for /v1 requests other than CORS preflights. */
  const relayLines = () =>
    relay
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { method: string; path: string; status: number })
      .filter((line) => line.path.startsWith('/v1/') && line.method !== 'OPTIONS');

  it('gives a page on another loopback origin no 2xx, and the provider no call', async () => {
    await page.goto(site.url);
    const seen = (await page.evaluate('window.attack()')) as Record<string, number | string>;
    const formAnswered = page.waitForResponse((response) => response.url() === `${relay.url}/v1/images/edits` && response.request().resourceType() === 'document');
    await page.evaluate('window.submitForm()');
    expect((await formAnswered).status()).toBe(401);
    await page.goto(`${site.url}/sandboxed`);
    const fromSandbox = (await (await childFrame(page, 'attack')).evaluate('window.attack()')) as Record<string, number | string>;

    for (const [name, outcome] of Object.entries({ ...seen, ...Object.fromEntries(Object.entries(fromSandbox).map(([k, v]) => [`sandboxed: ${k}`, v])) })) {
      expect.soft(typeof outcome === 'number' && outcome >= 200 && outcome < 300, `${name} answered ${outcome}`).toBe(false);
    }
    // Every attempt reached the relay (the test would prove nothing otherwise) and was refused.
    await expect.poll(() => relayLines().length).toBeGreaterThanOrEqual(2 * Object.keys(seen).length + 1);
    expect(relayLines().map((line) => line.status)).toEqual(relayLines().map(() => 401));
    expect(answered.filter((response) => response.method !== 'OPTIONS' && response.status < 300)).toEqual([]);
    expect(provider.calls).toHaveLength(0);
  });

  it('still serves the plugin, whose origin is "null", with the token', async () => {
    const { token } = await firstStartToken(relay);
    await page.setContent(pluginFrame(relay.url, token));
    const frame = await childFrame(page, 'generate');
    expect(await frame.evaluate('window.generate()')).toEqual({ status: 200, origin: 'null', hasImage: true });
    expect(provider.calls).toHaveLength(1);
  });
});
