import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelayProcess, temporaryDataDir, type ServerProcess } from '../helpers/relay-process';

/** One request on `socket`, and the status line of its answer (or why none came). */
function statusLine(socket: Socket, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const data = (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n\r\n')) done(() => resolve(answer.split('\r\n')[0]));
    };
    const closed = () => done(() => reject(new Error(`the relay closed the connection before answering${answer ? `: ${answer}` : ''}`)));
    const done = (settle: () => void) => {
      socket.off('data', data).off('close', closed).off('end', closed);
      settle();
    };
    socket.on('data', data).once('close', closed).once('end', closed);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
  });
}

describe('a connection kept alive', () => {
  let relay: ServerProcess;
  beforeAll(async () => {
    relay = await startRelayProcess({ HOST: '127.0.0.1', LLMEASY_API_KEY: '', RELAY_DATA_DIR: temporaryDataDir() });
  });
  afterAll(() => relay.stop());

  it('stays open longer than Node’s 5 s default, as a proxy in front (nginx keeps its own 60 s) reuses it', { timeout: 20_000 }, async () => {
    const socket = connect(relay.port, '127.0.0.1');
    try {
      expect(await statusLine(socket, '/healthz')).toBe('HTTP/1.1 200 OK');
      await new Promise((resolve) => setTimeout(resolve, 6_500));
      expect(await statusLine(socket, '/healthz')).toBe('HTTP/1.1 200 OK');
    } finally {
      socket.destroy();
    }
  });
});
