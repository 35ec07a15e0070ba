import { type IncomingMessage, type ServerResponse, request as forward } from 'node:http';
import { pipeline } from 'node:stream';

/**
 * Forwards one request to `target` and its answer back, both streamed as they come (nothing
 * buffered, so an upload the relay refuses early stops early, and a long poll is held, not
 * answered). Either side breaking breaks the other, as a real proxy does: a client that goes away
 * ends the forwarded request, so the relay sees the abort; an upstream that dies mid-answer cuts
 * the client's answer, so the client fails at once instead of waiting for an end that never comes.
 * An upstream that cannot be reached answers 502.
 */
export function forwardRequest(req: IncomingMessage, res: ServerResponse, target: URL): void {
  const outgoing = forward({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } });
  outgoing.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
  outgoing.on('response', (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    pipeline(answer, res, (error) => error && outgoing.destroy());
  });
  res.on('close', () => outgoing.destroy());
  // Its own error ends both streams; what the client is answered is up to the handlers above (a 502 must not be cut here).
  pipeline(req, outgoing, () => {});
}
