import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { JobImages } from '../store';
import { at, type PostgresContext } from './context';
import { copyBinaryParts, copyBinaryRows, int4, int8 } from './copy-binary';

/** About 1 MiB a piece: a download holds one or two pieces at a time, never the whole image. */
export const CHUNK_BYTES = 1 << 20;

export class PostgresImages implements JobImages {
  constructor(private readonly context: PostgresContext) {}

  async save(id: string, png: Uint8Array): Promise<void> {
    const chunks = Math.ceil(png.length / CHUNK_BYTES);
    await this.context.db.transaction(async (client) => {
      // One transaction: a reader sees the old image or all of the new one. The old one is only
      // marked, so a download that opened it reads it to its end.
      const { rows } = await client.query<{ id: string }>(
        `WITH orphaned AS (UPDATE images SET orphaned_at = $2 WHERE job_id = $1 AND orphaned_at IS NULL)
         INSERT INTO images (job_id, bytes, chunks) VALUES ($1, $3, $4) RETURNING id`,
        [id, at(this.context), png.length, chunks],
      );
      const imageId = int8(BigInt(rows[0].id));
      const pieces = Array.from({ length: chunks }, (_, seq) => [imageId, int4(seq), png.subarray(seq * CHUNK_BYTES, (seq + 1) * CHUNK_BYTES)]);
      // As binary COPY: the PNG's bytes go to the socket as they are (copy-binary.ts).
      await pipeline(Readable.from(copyBinaryParts(pieces)), client.query(copyFrom('COPY image_chunks (image_id, seq, data) FROM STDIN (FORMAT binary)')));
    });
  }

  async open(id: string): Promise<{ bytes: number; body: ReadableStream<Uint8Array> } | undefined> {
    const { db } = this.context;
    const { rows } = await db.query<{ id: string; bytes: number; chunks: number }>(
      'SELECT id, bytes, chunks FROM images WHERE job_id = $1 AND orphaned_at IS NULL',
      [id],
    );
    const image = rows[0];
    if (!image) return undefined;
    // A bigserial, which pg hands over as a string: checked before it is spelled into the COPY.
    const imageId = BigInt(image.id).toString();
    let seq = 0;
    // One query per piece, each on whichever pooled connection is free: a slow download holds no connection.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (seq === image.chunks) return controller.close();
        // As binary COPY, not a query: a query's answer carries bytea as hex (copy-binary.ts).
        const [row] = copyBinaryRows(await db.copyOut(`COPY (SELECT data FROM image_chunks WHERE image_id = ${imageId} AND seq = ${seq}) TO STDOUT (FORMAT binary)`));
        const data = row?.[0];
        if (!data) throw new Error(`The image of job ${id} was removed while it was being downloaded.`);
        seq++;
        controller.enqueue(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      },
    });
    return { bytes: image.bytes, body };
  }
}
