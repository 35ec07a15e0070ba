import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyBinaryParts, copyBinaryRows, int4, int8 } from '../../relay/store/postgres/copy-binary';

/** A binary COPY answer as PostgreSQL writes it: the relay's own input, with a header extension of `extension` bytes. */
function copyAnswer(rows: (Uint8Array | null)[][], extension = 0): Buffer {
  const [header, ...rest] = copyBinaryParts(rows);
  const withExtension = Buffer.concat([header, Buffer.alloc(extension)]);
  withExtension.writeUInt32BE(extension, 15);
  return Buffer.concat([withExtension, ...rest]);
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

  it('writes integers as PostgreSQL reads int4 and int8: big-endian two’s complement', () => {
    expect([...int4(-2)]).toEqual([0xff, 0xff, 0xff, 0xfe]);
    expect([...int8(258n)]).toEqual([0, 0, 0, 0, 0, 0, 1, 2]);
  });
});
