import { type IncomingMessage, type ServerResponse, request as forward } from 'node:http';

/**
 * Forwards one request to `target` and its answer back, both streamed as they come (nothing
 * buffered, so an upload the relay refuses early stops early, and a long poll is held, not
 * answered). A client that goes away ends the forwarded request too, as a real proxy does, so the
 * relay sees the abort. An upstream that cannot be reached answers 502.
 */
export function forwardRequest(req: IncomingMessage, res: ServerResponse, target: URL): void {
  const outgoing = forward({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } });
  outgoing.on('response', (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  outgoing.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
  res.on('close', () => outgoing.destroy());
  req.pipe(outgoing);
}
