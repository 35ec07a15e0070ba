import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { copyBinaryParts, copyBinaryRows, int4 } from '../relay/store/postgres/copy-binary';
import { childrenOf, cpuByPid } from './cpu-time';
import { summarize, type Summary } from './percentiles';

const ROUND_TRIPS = 200;
const IMAGE_ROUNDS = 20;
/** The piece size the PostgreSQL store writes an image in. */
const PIECE_BYTES = 1024 * 1024;

export interface PostgresFloor {
  roundTrip: Summary;
  write: Summary;
  read: Summary;
  /** The database server's CPU per image written, and per image read. */
  serverWriteCpuMs: number | undefined;
  serverReadCpuMs: number | undefined;
}

/** The CPU every process of the server used around `work`: the connection's backend, the WAL writer that writes what it logged, and any other (idle instances' lease renewals: 2 queries every 10 s). */
async function serverCpu(serverPid: number, work: () => Promise<void>): Promise<number | undefined> {
  const before = cpuByPid(childrenOf(serverPid));
  await work();
  const after = cpuByPid(childrenOf(serverPid));
  if (after.size === 0) return undefined;
  return [...after].reduce((sum, [pid, cpu]) => sum + cpu - (before.get(pid) ?? 0), 0);
}

/**
 * What any PostgreSQL store pays on this machine, measured with the bare client and no relay: one
 * round trip (`SELECT 1`), and a PNG written as bytea in pieces of 1 MiB and read back, both as
 * binary COPY (the cheapest way there is: no hex, no copy of the bytes into a query's parameters),
 * with the time and the server's own CPU. A job takes a few round trips more than on disk, and its
 * image goes to the database instead of to a file. The table is an ordinary one, as the store's:
 * a temporary table would skip the write-ahead log and the shared buffers, and cost less.
 */
export async function postgresFloor({ url, serverPid }: { url: string; serverPid(): number }, png: Uint8Array): Promise<PostgresFloor> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP TABLE IF EXISTS floor_pieces');
    await client.query('CREATE TABLE floor_pieces (id int, piece int, bytes bytea, PRIMARY KEY (id, piece))');
    await client.query('ALTER TABLE floor_pieces ALTER COLUMN bytes SET STORAGE EXTERNAL');
    const roundTrips: number[] = [];
    for (let i = 0; i < ROUND_TRIPS; i++) {
      const begin = performance.now();
      await client.query('SELECT 1');
      roundTrips.push(performance.now() - begin);
    }
    const writes: number[] = [];
    const reads: number[] = [];
    const pieces = Math.ceil(png.length / PIECE_BYTES);
    const writeCpu = await serverCpu(serverPid(), async () => {
      for (let id = 0; id < IMAGE_ROUNDS; id++) {
        const begin = performance.now();
        await client.query('BEGIN');
        const rows = Array.from({ length: pieces }, (_, piece) => [int4(id), int4(piece), png.subarray(piece * PIECE_BYTES, (piece + 1) * PIECE_BYTES)]);
        await pipeline(Readable.from(copyBinaryParts(rows)), client.query(copyFrom('COPY floor_pieces (id, piece, bytes) FROM STDIN (FORMAT binary)')));
        await client.query('COMMIT');
        writes.push(performance.now() - begin);
      }
    });
    const readCpu = await serverCpu(serverPid(), async () => {
      for (let id = 0; id < IMAGE_ROUNDS; id++) {
        const begin = performance.now();
        for (let piece = 0; piece < pieces; piece++) {
          const answer: Buffer[] = [];
          for await (const part of client.query(copyTo(`COPY (SELECT bytes FROM floor_pieces WHERE id = ${id} AND piece = ${piece}) TO STDOUT (FORMAT binary)`))) {
            answer.push(part as Buffer);
          }
          copyBinaryRows(Buffer.concat(answer));
        }
        reads.push(performance.now() - begin);
      }
    });
    return {
      roundTrip: summarize(roundTrips),
      write: summarize(writes),
      read: summarize(reads),
      serverWriteCpuMs: writeCpu === undefined ? undefined : writeCpu / IMAGE_ROUNDS,
      serverReadCpuMs: readCpu === undefined ? undefined : readCpu / IMAGE_ROUNDS,
    };
  } finally {
    await client.query('DROP TABLE IF EXISTS floor_pieces').catch(() => undefined);
    await client.end();
  }
}
