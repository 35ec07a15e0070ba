import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodedBytes } from '../../relay/provider';

describe('decodedBytes', () => {
  it('is the length of what the base64 decodes to, with or without padding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const base64 = Buffer.from(Buffer.from(bytes).toString('base64'), 'latin1');
        expect(decodedBytes({ created: 0, base64 })).toBe(bytes.length);
      }),
    );
  });
});
