import { once } from 'node:events';
import { createServer, request, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOnLoopback } from '../helpers/loopback-server';
import { FLEET_POLL } from '../helpers/relay-fleet';
import { startRoundRobinProxy, type RoundRobinProxy } from '../helpers/round-robin-proxy';

interface Upstream {
  url: string;
  /** Held answers whose client went away before they ended. */
  abandoned: number;
  close(): Promise<void>;
}

/** A server that says its name, echoes a body chunk by chunk as it comes, holds an answer open, or dies in the middle of one. */
async function startUpstream(name: string): Promise<Upstream> {
  const state = { abandoned: 0 };
  const server = createServer((req, res) => {
    if (req.url === '/echo') {
      res.writeHead(200, { 'x-upstream': name });
      res.flushHeaders();
      return void req.pipe(res);
    }
    if (req.url === '/die') {
      res.writeHead(200, { 'x-upstream': name });
      return void res.write('half an answer', () => res.destroy());
    }
    if (req.url === '/hold') {
      res.writeHead(200, { 'x-upstream': name }).write('started');
      return void res.on('close', () => state.abandoned++);
    }
    res.writeHead(200, { 'x-upstream': name }).end(name);
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    get abandoned() {
      return state.abandoned;
    },
    close,
  };
}

async function who(proxy: RoundRobinProxy): Promise<string> {
  return (await fetch(`${proxy.url}/who`)).text();
}

async function nextChunk(answer: IncomingMessage): Promise<string> {
  const [chunk] = (await once(answer, 'data')) as [Buffer];
  return chunk.toString();
}

describe('the round-robin proxy in front of several relays', () => {
  let upstreams: Upstream[];
  let proxy: RoundRobinProxy;

  beforeAll(async () => {
    upstreams = await Promise.all(['a', 'b', 'c'].map(startUpstream));
    proxy = await startRoundRobinProxy(upstreams.map((u) => u.url));
  });

  afterAll(async () => {
    await proxy.close();
    await Promise.all(upstreams.map((u) => u.close()));
  });

  it('sends each request to the next upstream in turn', async () => {
    const names = [];
    for (let i = 0; i < 6; i++) names.push(await who(proxy));
    expect(names.join('')).toMatch(/^(abc|bca|cab)\1$/);
  });

  it('streams the upload and the answer as they come, each chunk through before the next is sent', async () => {
    const url = new URL(`${proxy.url}/echo`);
    const outgoing = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST' });
    outgoing.write('first');
    const [answer] = (await once(outgoing, 'response')) as [IncomingMessage];
    // The body is still open: only an unbuffered proxy can pass its first chunk both ways by now.
    expect(await nextChunk(answer)).toBe('first');
    outgoing.write('second');
    expect(await nextChunk(answer)).toBe('second');
    outgoing.end();
    await once(answer, 'end');
  });

  it('ends the upstream request when its client goes away', async () => {
    const before = upstreams.reduce((sum, u) => sum + u.abandoned, 0);
    const controller = new AbortController();
    const answer = await fetch(`${proxy.url}/hold`, { signal: controller.signal });
    const reader = answer.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('started');
    controller.abort();
    await expect.poll(() => upstreams.reduce((sum, u) => sum + u.abandoned, 0), FLEET_POLL).toBe(before + 1);
  });

  it("breaks the client's answer when its upstream dies in the middle of it, so the client fails instead of waiting", { timeout: 10_000 }, async () => {
    const answer = await fetch(`${proxy.url}/die`);
    expect(answer.status).toBe(200);
    await expect(answer.text()).rejects.toThrow();
  });

  it('leaves an upstream out of the rotation while it is out, lets its requests under way finish, and takes it back at its new address', async () => {
    const held = await fetch(`${proxy.url}/hold`);
    const heldBy = held.headers.get('x-upstream')!;
    const index = ['a', 'b', 'c'].indexOf(heldBy);
    proxy.out(index);
    const names = new Set<string>();
    for (let i = 0; i < 4; i++) names.add(await who(proxy));
    expect(names).toEqual(new Set(['a', 'b', 'c'].filter((name) => name !== heldBy)));
    const reader = held.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('started');
    await reader.cancel();

    const moved = await startUpstream(`${heldBy}2`);
    proxy.back(index, moved.url);
    const after = new Set<string>();
    for (let i = 0; i < 3; i++) after.add(await who(proxy));
    expect(after).toContain(`${heldBy}2`);
    expect(after).not.toContain(heldBy);
    await moved.close();
    proxy.back(index, upstreams[index].url);
  });

  it('answers 502 when the upstream it picked cannot be reached, an upload too', async () => {
    const gone = await startUpstream('gone');
    await gone.close();
    for (const index of [1, 2]) proxy.out(index);
    proxy.back(0, gone.url);
    expect((await fetch(`${proxy.url}/who`)).status).toBe(502);
    expect((await fetch(`${proxy.url}/echo`, { method: 'POST', body: 'x'.repeat(100_000) })).status).toBe(502);
    proxy.back(0, upstreams[0].url);
    for (const index of [1, 2]) proxy.back(index);
  });

  it('answers 502 while no upstream is in the rotation', async () => {
    for (const index of [0, 1, 2]) proxy.out(index);
    const answer = await fetch(`${proxy.url}/who`);
    expect(answer.status).toBe(502);
    expect(await answer.text()).toBe('No upstream is in the rotation.');
    for (const index of [0, 1, 2]) proxy.back(index);
  });
});
