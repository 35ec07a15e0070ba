import pg from 'pg';
import { summarize, type Summary } from './percentiles';

const ROUND_TRIPS = 200;
const IMAGE_ROUNDS = 20;
/** The piece size the PostgreSQL store writes an image in. */
const PIECE_BYTES = 1024 * 1024;

/**
 * What any PostgreSQL store pays on this machine, measured with the bare client and no relay: one
 * round trip (`SELECT 1`), and a PNG written as bytea in pieces of 1 MiB (binary parameters, in
 * one transaction) and read back. A job takes a few round trips more than on disk, and its image
 * goes to the database and back instead of to a file.
 */
export async function postgresFloor(url: string, png: Uint8Array): Promise<{ roundTrip: Summary; write: Summary; read: Summary }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE TEMPORARY TABLE floor_pieces (id int, piece int, bytes bytea, PRIMARY KEY (id, piece))');
    const roundTrips: number[] = [];
    for (let i = 0; i < ROUND_TRIPS; i++) {
      const begin = performance.now();
      await client.query('SELECT 1');
      roundTrips.push(performance.now() - begin);
    }
    const writes: number[] = [];
    const reads: number[] = [];
    for (let id = 0; id < IMAGE_ROUNDS; id++) {
      let begin = performance.now();
      await client.query('BEGIN');
      for (let offset = 0, piece = 0; offset < png.length; offset += PIECE_BYTES, piece++) {
        await client.query('INSERT INTO floor_pieces VALUES ($1, $2, $3)', [id, piece, Buffer.from(png.subarray(offset, offset + PIECE_BYTES))]);
      }
      await client.query('COMMIT');
      writes.push(performance.now() - begin);
      begin = performance.now();
      const pieces = await client.query<{ piece: number }>('SELECT piece FROM floor_pieces WHERE id = $1 ORDER BY piece', [id]);
      for (const { piece } of pieces.rows) await client.query('SELECT bytes FROM floor_pieces WHERE id = $1 AND piece = $2', [id, piece]);
      reads.push(performance.now() - begin);
    }
    return { roundTrip: summarize(roundTrips), write: summarize(writes), read: summarize(reads) };
  } finally {
    await client.end();
  }
}
