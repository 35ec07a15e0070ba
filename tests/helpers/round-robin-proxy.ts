import { createServer } from 'node:http';
import { forwardRequest } from './forward-request';
import { listenOnLoopback } from './loopback-server';

export interface RoundRobinProxy {
  url: string;
  /** Takes upstream `index` out of the rotation: new requests go to the others; those under way run to their end. */
  out(index: number): void;
  /** Puts upstream `index` back into the rotation, at `url` when it moved (a relay started again listens on a new port). */
  back(index: number, url?: string): void;
  close(): Promise<void>;
}

/**
 * A load balancer in front of several relays, as a team puts nginx in front of its instances: each
 * request goes to the next upstream in the rotation, so consecutive requests of one client land on
 * different instances. Taking one out and back is how a rolling restart is done.
 */
export async function startRoundRobinProxy(targets: string[]): Promise<RoundRobinProxy> {
  const upstreams = targets.map((target) => ({ url: new URL(target), inRotation: true }));
  let last = -1;
  const next = (): number | undefined => {
    for (let step = 1; step <= upstreams.length; step++) {
      const index = (last + step) % upstreams.length;
      if (upstreams[index].inRotation) return (last = index);
    }
    return undefined;
  };
  const server = createServer((req, res) => {
    const index = next();
    if (index === undefined) return void res.writeHead(502, { 'content-type': 'text/plain' }).end('No upstream is in the rotation.');
    forwardRequest(req, res, upstreams[index].url);
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    out: (index) => void (upstreams[index].inRotation = false),
    back: (index, moved) => {
      if (moved) upstreams[index].url = new URL(moved);
      upstreams[index].inRotation = true;
    },
    close,
  };
}
