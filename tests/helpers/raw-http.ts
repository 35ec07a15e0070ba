import { request, type IncomingMessage } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A POST that sends the given chunks and then waits without ever ending its body: only a server
 * that decides while the body is still streaming in can answer it.
 */
export function postWithoutEnd(url: string, headers: Record<string, string>, chunks: Iterable<Uint8Array>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent: false });
    let answered = false;
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.on('response', (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') });
      });
    });
    for (const chunk of chunks) req.write(chunk);
    req.flushHeaders();
  });
}
