import { request, type IncomingMessage } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
  /** Body bytes the client had written when the answer came. */
  sent: number;
}

/**
 * A POST whose body is written chunk by chunk, each after the previous one was flushed, and that
 * stops writing as soon as the server answers: shows whether the server decided while the body
 * was still streaming in.
 */
export function streamingPost(url: string, headers: Record<string, string>, chunks: Iterable<Uint8Array>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent: false });
    let sent = 0;
    let answered = false;
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.on('response', (res) => {
      answered = true;
      const sentWhenAnswered = sent;
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8'), sent: sentWhenAnswered });
      });
    });
    void (async () => {
      for (const chunk of chunks) {
        if (answered || req.destroyed) return;
        await new Promise<void>((done) => req.write(chunk, () => done()));
        sent += chunk.length;
      }
      if (!answered && !req.destroyed) req.end();
    })();
  });
}
