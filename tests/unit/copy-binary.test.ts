import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyBinaryRows } from '../../relay/store/postgres/copy-binary';

/** A binary COPY answer as PostgreSQL writes it, with a header extension of `extension` bytes. */
function copyAnswer(rows: (Uint8Array | null)[][], extension = 0): Buffer {
  const parts = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(4), Buffer.alloc(4 + extension)];
  parts[2].writeUInt32BE(extension);
  for (const row of rows) {
    const count = Buffer.alloc(2);
    count.writeInt16BE(row.length);
    parts.push(count);
    for (const field of row) {
      const length = Buffer.alloc(4);
      length.writeInt32BE(field === null ? -1 : field.length);
      parts.push(length);
      if (field) parts.push(Buffer.from(field));
    }
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

const rowsArbitrary = fc.array(fc.array(fc.option(fc.uint8Array({ maxLength: 64 }), { nil: null }), { maxLength: 4 }), { maxLength: 5 });

describe("PostgreSQL's binary COPY answer", () => {
  it('gives back every row and field as written, NULLs as null, whatever the header extension', () => {
    fc.assert(
      fc.property(rowsArbitrary, fc.nat(16), (rows, extension) => {
        const parsed = copyBinaryRows(copyAnswer(rows, extension));
        expect(parsed.map((row) => row.map((field) => (field === null ? null : [...field])))).toEqual(rows.map((row) => row.map((field) => (field === null ? null : [...field]))));
      }),
    );
  });

  it('refuses an answer cut short anywhere, or without the signature', () => {
    fc.assert(
      fc.property(rowsArbitrary, fc.nat(), (rows, cut) => {
        const whole = copyAnswer(rows);
        expect(() => copyBinaryRows(whole.subarray(0, cut % whole.length))).toThrow(/malformed/);
      }),
    );
    expect(() => copyBinaryRows(Buffer.from('id,data\n1,abc\n'))).toThrow(/no PGCOPY signature/);
  });
});
