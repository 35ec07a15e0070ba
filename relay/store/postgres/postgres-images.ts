import type { JobImages } from '../store';
import { at, type PostgresContext } from './context';
import { copyBinaryRows } from './copy-binary';

/** About 1 MiB a piece: a download holds one or two pieces at a time, never the whole image. */
export const CHUNK_BYTES = 1 << 20;

export class PostgresImages implements JobImages {
  constructor(private readonly context: PostgresContext) {}

  async save(id: string, png: Uint8Array): Promise<void> {
    // pg sends a Buffer parameter in the binary format: the bytes as they are, never base64 or hex.
    const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
    const chunks = Math.ceil(bytes.length / CHUNK_BYTES);
    await this.context.db.transaction(async (client) => {
      // One transaction: a reader sees the old image or all of the new one. The old one is only
      // marked, so a download that opened it reads it to its end.
      await client.query('UPDATE images SET orphaned_at = $2 WHERE job_id = $1 AND orphaned_at IS NULL', [id, at(this.context)]);
      const { rows } = await client.query<{ id: string }>('INSERT INTO images (job_id, bytes, chunks) VALUES ($1, $2, $3) RETURNING id', [
        id,
        bytes.length,
        chunks,
      ]);
      for (let seq = 0; seq < chunks; seq++) {
        await client.query('INSERT INTO image_chunks (image_id, seq, data) VALUES ($1, $2, $3)', [
          rows[0].id,
          seq,
          bytes.subarray(seq * CHUNK_BYTES, (seq + 1) * CHUNK_BYTES),
        ]);
      }
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
