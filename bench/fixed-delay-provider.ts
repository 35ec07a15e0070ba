import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A provider whose only cost is a fixed delay: it reads the whole request, waits, and answers with
 * the same prepared OpenAI-shaped image answer every time. The strict fake in tests/fakes decodes
 * every reference PNG (tens of ms of CPU each), which at 64 requests at once would measure the fake
 * rather than the relay; the tests already prove the relay sends what LLMEasy asks.
 */
export interface FixedDelayProvider {
  /** The base URL, as LLMEASY_BASE_URL takes it. */
  baseUrl: string;
  /** Requests answered so far. */
  readonly answered: number;
  close(): Promise<void>;
}

/** The provider's JSON answer for one PNG, prepared once so answering costs nothing. */
export function imageAnswer(png: Uint8Array): Buffer {
  return Buffer.from(JSON.stringify({ created: 1_700_000_000, data: [{ b64_json: Buffer.from(png).toString('base64') }] }));
}

export async function startFixedDelayProvider(options: { delayMs: number; answer: Buffer }): Promise<FixedDelayProvider> {
  let answered = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      setTimeout(() => {
        answered++;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': options.answer.length }).end(options.answer);
      }, options.delayMs);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get answered() {
      return answered;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
