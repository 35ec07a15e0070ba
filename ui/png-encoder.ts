/**
 * A lossless PNG encoder for the region composite, made so that one image can be compressed in
 * parts at different times and joined: the rows an edit cannot change are compressed while the
 * model works, and of the rows it changes, what lies outside the span of each it can change too
 * (prepareRows); once its answer is in, only those spans are coded and the rest copied as bits. (The browser's own encoder,
 * `convertToBlob`, takes a whole canvas at once: some 200 ms for 2048×2048 on a 2-core machine.)
 *
 * Each part is a run of deflate blocks that ends on a byte boundary (a sync flush), and its first
 * row is filtered without the row above, so parts join in any split by concatenation; the zlib
 * stream's Adler-32 is combined from the parts' own. The compression is made for speed in
 * JavaScript: each row is filtered with Up (the first with Sub) four bytes at a time, and a block
 * codes its bytes two at a time with Huffman codes made from a sample of its own bytes, and runs
 * of zeros (an area the same as the row above: flat colour) as repeats of the byte before. A
 * photo's PNG comes out about as large as the browser's own, a flat area costs about a bit per
 * 258 bytes, and a screenshot of text, which LZ77 matches shrink most, about half again as
 * large. A full LZ77 search (fflate at its fastest level, the browser's CompressionStream) is 4 to
 * 12 times slower on this machine, and the CSP the emulator puts on a plugin's UI (script-src
 * without blob: or data:, as far as Figma's is known) lets no worker run one beside the panel.
 */

import { allAtOnce, type Pieces, ROWS_A_PIECE } from './time-slices';

/** A part's compressed rows, the CRC of their IDAT chunk, and what joining needs of its filtered bytes. */
export interface EncodedRows {
  deflated: Uint8Array;
  crc: number;
  adler: number;
  length: number;
}

/** PNG row filters (ISO 15948 §9.2): Sub needs only the row itself, Up the row above too. */
const SUB = 1;
const UP = 2;
/** About this many filtered bytes share codes made for their own bytes. */
const BLOCK_BYTES = 1 << 21;
/**
 * At most this many bytes of output a deflate block (a new block repeats the codes' header, some
 * 150 bytes): fflate's inflate (as fast-png uses it) makes room for 2^17 bytes at a block's start
 * and at each repeat, and writes literals past that into nothing, so a block of a photo's rows,
 * all literals, longer than that comes out wrong there. (zlib and the browsers grow their output.)
 */
const MAX_BLOCK_OUTPUT = 1 << 17;
/** A code's longest: a pair of bytes' two codes (24 bits) and their length then fit one 32-bit table entry. */
const MAX_CODE_BITS = 12;
const MAX_RUN = 258;
const ADLER_BASE = 65521;

// RFC 1951 §3.2.5: lengths 3..258 as symbols 257..285 with extra bits.
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
/** The order in which a dynamic block lists the code length code's lengths. */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
const END_OF_BLOCK = 256;
const LITERAL_LENGTH_SYMBOLS = 257 + LENGTH_BASE.length;

/** CRC-32 tables for four bytes at a time ("slicing by 4"): table k is a byte's CRC followed by k zero bytes. */
const CRC_TABLES = Array.from({ length: 4 }, () => new Int32Array(256));
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLES[0][n] = c;
}
for (let n = 0; n < 256; n++) {
  for (let k = 1; k < 4; k++) CRC_TABLES[k][n] = CRC_TABLES[0][CRC_TABLES[k - 1][n] & 0xff] ^ (CRC_TABLES[k - 1][n] >>> 8);
}

/** The CRC-32 of the bytes following those whose CRC-32 is `crc`. */
function crc32(crc: number, bytes: Uint8Array): number {
  const [t0, t1, t2, t3] = CRC_TABLES;
  let c = ~crc;
  let i = 0;
  for (; i < bytes.length && (bytes.byteOffset + i) % 4 !== 0; i++) c = t0[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset + i, (bytes.length - i) >> 2);
  for (let k = 0; k < words.length; k++) {
    c ^= words[k];
    c = t3[c & 0xff] ^ t2[(c >>> 8) & 0xff] ^ t1[(c >>> 16) & 0xff] ^ t0[c >>> 24];
  }
  for (i += words.length * 4; i < bytes.length; i++) c = t0[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** The Adler-32 of two byte runs one after the other, from each one's and the second's length (zlib's adler32_combine). */
function adler32Combine(first: number, second: number, secondLength: number): number {
  const rem = secondLength % ADLER_BASE;
  const a = ((first & 0xffff) + (second & 0xffff) + ADLER_BASE - 1) % ADLER_BASE;
  const b = (((rem * (first & 0xffff)) % ADLER_BASE) + (first >>> 16) + (second >>> 16) + ADLER_BASE - rem) % ADLER_BASE;
  return ((b << 16) | a) >>> 0;
}

/**
 * Huffman code lengths for the symbol counts, none longer than `limit`: a Huffman tree built from
 * the counts sorted (two queues), and, when it comes out too deep, again from the counts halved.
 * One symbol still gets a complete code (two one-bit codes): strict decoders refuse less.
 */
function codeLengths(counts: ArrayLike<number>, limit: number): Uint8Array {
  const lengths = new Uint8Array(counts.length);
  const weights = Float64Array.from(counts);
  for (;;) {
    // Each used symbol as weight × 512 + symbol, so one numeric sort orders them by weight.
    const keys = new Float64Array(weights.length);
    let n = 0;
    for (let symbol = 0; symbol < weights.length; symbol++) if (weights[symbol] > 0) keys[n++] = weights[symbol] * 512 + symbol;
    const sorted = keys.subarray(0, n).sort();
    if (n === 1) {
      const symbol = sorted[0] % 512;
      lengths[symbol] = 1;
      lengths[symbol === 0 ? 1 : 0] = 1;
      return lengths;
    }
    // Nodes 0..n-1 are the leaves in order of weight, then the merged nodes in the order they are made.
    const weight = new Float64Array(2 * n - 1);
    const parent = new Int32Array(2 * n - 1);
    for (let i = 0; i < n; i++) weight[i] = Math.floor(sorted[i] / 512);
    let leaf = 0;
    let merged = n;
    for (let made = n; made < 2 * n - 1; made++) {
      for (let pick = 0; pick < 2; pick++) {
        const node = leaf < n && (merged >= made || weight[leaf] <= weight[merged]) ? leaf++ : merged++;
        weight[made] += weight[node];
        parent[node] = made;
      }
    }
    const depth = new Uint8Array(2 * n - 1);
    let deepest = 0;
    for (let node = 2 * n - 3; node >= 0; node--) {
      depth[node] = depth[parent[node]] + 1;
      if (node < n) deepest = Math.max(deepest, depth[node]);
    }
    if (deepest <= limit) {
      for (let i = 0; i < n; i++) lengths[sorted[i] % 512] = depth[i];
      return lengths;
    }
    for (let symbol = 0; symbol < weights.length; symbol++) if (weights[symbol] > 0) weights[symbol] = Math.floor(weights[symbol] / 2) || 1;
  }
}

/** The canonical codes of these lengths (RFC 1951 §3.2.2), bit-reversed: deflate sends a code's first bit first. */
function canonicalCodes(lengths: Uint8Array): Uint16Array {
  const perLength = new Uint16Array(16);
  for (const length of lengths) if (length) perLength[length]++;
  const next = new Uint16Array(16);
  for (let bits = 1, code = 0; bits < 16; bits++) {
    code = (code + perLength[bits - 1]) << 1;
    next[bits] = code;
  }
  const codes = new Uint16Array(lengths.length);
  lengths.forEach((length, symbol) => {
    if (!length) return;
    let code = next[length]++;
    let reversed = 0;
    for (let i = 0; i < length; i++, code >>= 1) reversed = (reversed << 1) | (code & 1);
    codes[symbol] = reversed;
  });
  return codes;
}

/**
 * Deflate's bits, first bit lowest, gathered 32 at a time into words (little-endian, as every
 * platform Figma runs on is): one store per 32 bits is what makes the hot loop quick.
 */
class BitWriter {
  at = 0;
  bits = 0;
  count = 0;

  /** Room for `words` words to start with: growing copies what is written so far. */
  constructor(public words = new Uint32Array(1 << 14)) {}

  /** Room for this many more bits. */
  reserve(bits: number): void {
    const needed = this.at + Math.ceil(bits / 32) + 4;
    if (needed <= this.words.length) return;
    const grown = new Uint32Array(Math.max(needed, this.words.length * 2));
    grown.set(this.words.subarray(0, this.at));
    this.words = grown;
  }

  /** Up to 24 bits. */
  write(value: number, bits: number): void {
    this.bits |= value << this.count;
    this.count += bits;
    if (this.count >= 32) {
      this.words[this.at++] = this.bits;
      this.count -= 32;
      this.bits = value >>> (bits - this.count);
    }
  }

  /** Bits written by another writer from its word `start` (as `alignToWord` left them: zeros past the end). */
  append(source: Uint32Array, start: number, bits: number): void {
    this.reserve(bits);
    const whole = bits >>> 5;
    const words = this.words;
    const count = this.count;
    let at = this.at;
    if (count === 0) {
      words.set(source.subarray(start, start + whole), at);
      at += whole;
    } else {
      let buffer = this.bits;
      for (let i = start; i < start + whole; i++) {
        const word = source[i];
        words[at++] = buffer | (word << count);
        buffer = word >>> (32 - count);
      }
      this.bits = buffer;
    }
    this.at = at;
    const rest = bits & 31;
    if (rest === 0) return;
    const last = source[start + whole];
    this.write(last & 0xffff, Math.min(rest, 16));
    if (rest > 16) this.write(last >>> 16, rest - 16);
  }

  /** Pads the bits written to a whole word with zeros; the next bits start the word returned. */
  alignToWord(): number {
    this.reserve(32);
    if (this.count > 0) {
      this.words[this.at++] = this.bits;
      this.bits = 0;
      this.count = 0;
    }
    return this.at;
  }

  /** An empty stored block: the stream so far ends on a byte boundary, not final (a sync flush). */
  syncFlush(): void {
    this.write(0, 3);
    this.write(0, (8 - (this.count % 8)) % 8);
    this.write(0, 16);
    this.write(0xffff, 16);
  }

  /** The bytes written, once they end on a byte boundary. */
  bytes(): Uint8Array {
    this.reserve(32);
    this.words[this.at] = this.bits;
    return new Uint8Array(this.words.buffer, 0, this.at * 4 + this.count / 8);
  }
}

/**
 * A dynamic block's header (RFC 1951 §3.2.7) for these literal/length code lengths, with two
 * one-bit distance codes: only distance 1 is used, and two make the code complete. The lengths
 * are listed one by one (no repeat codes): a header is then some 150 bytes, for a block of a
 * megabyte or two.
 */
function writeBlockHeader(out: BitWriter, literalLengths: Uint8Array): void {
  const all = new Uint8Array(LITERAL_LENGTH_SYMBOLS + 2);
  all.set(literalLengths);
  all[LITERAL_LENGTH_SYMBOLS] = all[LITERAL_LENGTH_SYMBOLS + 1] = 1;
  const counts = new Uint32Array(19);
  for (const length of all) counts[length]++;
  const lengths = codeLengths(counts, 7);
  const codes = canonicalCodes(lengths);
  let listed = 19;
  while (listed > 4 && lengths[CODE_LENGTH_ORDER[listed - 1]] === 0) listed--;
  out.reserve(17 + 3 * 19 + all.length * 7);
  out.write(0b100, 3); // not the last block; dynamic Huffman codes
  out.write(LITERAL_LENGTH_SYMBOLS - 257, 5);
  out.write(2 - 1, 5);
  out.write(listed - 4, 4);
  for (let i = 0; i < listed; i++) out.write(lengths[CODE_LENGTH_ORDER[i]], 3);
  for (const length of all) out.write(codes[length], lengths[length]);
}

/** Each repeat length's symbol (its index from 257), for the lengths 3 to 258. */
const LENGTH_INDEX = new Uint8Array(MAX_RUN + 1);
LENGTH_BASE.forEach((base, index) => LENGTH_INDEX.fill(index, base));

/** A run of zeros this many bytes long (2 words or more) is coded as repeats; a lone zero word, as literals. */
function countRun(counts: Uint32Array, bytes: number): void {
  counts[LITERAL_LENGTH_SYMBOLS - 1] += Math.floor(bytes / MAX_RUN);
  const rest = bytes % MAX_RUN;
  if (rest >= 3) counts[257 + LENGTH_INDEX[rest]]++;
  else counts[0] += rest;
}

/** PNG's Up or Sub of one pixel: each of its bytes less the one before, modulo 256, four at once (SWAR). */
function filterPixel(current: number, before: number): number {
  return ((current | 0x80808080) - (before & 0x7f7f7f7f)) ^ ((current ^ ~before) & 0x80808080);
}

/**
 * Counts the symbols of the pixels `from` to `to` filtered against those `back` before them (Up:
 * a row; Sub: one pixel): every run of zero words exactly (as the coding sends it), the other
 * words' bytes from a sample of every fourth.
 */
function countSymbols(pixels: Uint32Array, from: number, to: number, back: number, counts: Uint32Array): void {
  let zeros = 0;
  for (let i = from; i < to; i++) {
    const word = filterPixel(pixels[i], pixels[i - back]);
    if (word === 0) {
      zeros++;
      continue;
    }
    if (zeros > 0) {
      countZeros(counts, zeros);
      zeros = 0;
    }
    if ((i & 3) === 0) {
      counts[word & 0xff] += 4;
      counts[(word >>> 8) & 0xff] += 4;
      counts[(word >>> 16) & 0xff] += 4;
      counts[word >>> 24] += 4;
    }
  }
  countZeros(counts, zeros);
}

/** A run of zero words as the coding sends it: a lone one as literals, more as repeats. */
function countZeros(counts: Uint32Array, words: number): void {
  if (words === 1) counts[0] += 4;
  else if (words > 1) countRun(counts, words * 4);
}

/** The symbols of `rows` rows from `fromRow` filtered, Up, the part's first row Sub (its first pixel as it is), counted from 1 each, so any byte can be coded. */
function* countingRows(pixels: Uint32Array, width: number, fromRow: number, rows: number, counts: Uint32Array): Pieces<void> {
  counts.fill(1);
  for (let y = fromRow; y < fromRow + rows; y++) {
    if ((y - fromRow) % ROWS_A_PIECE === 0) yield;
    if (y > 0) {
      countSymbols(pixels, y * width, (y + 1) * width, width, counts);
      continue;
    }
    for (let shift = 0; shift < 32; shift += 8) counts[(pixels[0] >>> shift) & 0xff]++;
    countSymbols(pixels, 1, width, 1, counts);
  }
  counts[fromRow === 0 ? SUB : UP] += rows;
}

/** A block's codes: each byte's and symbol's, each pair of bytes' two as one, each repeat length's. */
interface Codes {
  lengths: Uint8Array;
  codes: Uint16Array;
  /** A pair of bytes' two codes as one: the code, then its length above bit 24. */
  pairs: Uint32Array;
  /** A repeat of 3 to 258 zeros as one code (length code, extra bits, distance code), its length above bit 24. */
  runs: Uint32Array;
  /** A block's header with these codes, as bits from the first of `words`. */
  header: { words: Uint32Array; bits: number };
}

/** The codes for these symbol counts. */
function codesFor(counts: Uint32Array): Codes {
  const lengths = codeLengths(counts, MAX_CODE_BITS);
  const codes = canonicalCodes(lengths);
  const pairs = new Uint32Array(1 << 16);
  const entries = Uint32Array.from(codes.subarray(0, 256), (code, byte) => code | (lengths[byte] << 24));
  for (let first = 0; first < 256; first++) {
    const shift = lengths[first];
    const head = entries[first];
    for (let second = 0; second < 256; second++) {
      const entry = entries[second];
      pairs[first | (second << 8)] = head + ((entry & 0xffffff) << shift) + (entry & 0xff000000);
    }
  }
  const runs = new Uint32Array(MAX_RUN + 1);
  for (let bytes = 3; bytes <= MAX_RUN; bytes++) {
    const index = LENGTH_INDEX[bytes];
    const symbol = 257 + index;
    // Distance code 0 (distance 1) is the bit after the extra bits: 0, so only its length counts.
    runs[bytes] = (codes[symbol] | ((bytes - LENGTH_BASE[index]) << lengths[symbol])) + ((lengths[symbol] + LENGTH_EXTRA[index] + 1) << 24);
  }
  const header = new BitWriter();
  writeBlockHeader(header, lengths);
  const bits = header.at * 32 + header.count;
  header.alignToWord();
  return { lengths, codes, pairs, runs, header: { words: header.words, bits } };
}

/** How many rows a deflate block may hold (see MAX_BLOCK_OUTPUT): 15 of 2048 px. */
function rowsPerBlock(width: number): number {
  return Math.max(1, Math.floor(MAX_BLOCK_OUTPUT / (width * 4 + 1)));
}

/** Ends a block and starts another with the same codes, after every `rowsPerBlock` rows of a part. */
function nextBlock(codes: Codes, out: BitWriter): void {
  out.write(codes.codes[END_OF_BLOCK], codes.lengths[END_OF_BLOCK]);
  out.append(codes.header.words, 0, codes.header.bits);
}

/** Adler-32's two sums (RFC 1950 §8.2) as the bytes go by. */
interface AdlerSums {
  a: number;
  b: number;
}

/** Codes one byte (a row's filter type), adding it to the sums. */
function codeByte(byte: number, codes: Codes, out: BitWriter, sums: AdlerSums): void {
  out.write(codes.codes[byte], codes.lengths[byte]);
  sums.a = (sums.a + byte) % ADLER_BASE;
  sums.b = (sums.b + sums.a) % ADLER_BASE;
}

/**
 * Codes the pixels `from` to `to` of one row, filtered against those `back` before them (Up: a
 * row; Sub: one pixel), after a byte that was `last` (a repeat of zeros may only follow a zero: it
 * copies the byte before), adding the filtered bytes to the sums. Two zero words or more go as
 * repeats of 258 bytes at most; other words as two pairs of bytes, each one code. The
 * hot loop keeps the writer's state in locals (see BitWriter.write); each write is of at most 24 bits.
 */
function codeWords(pixels: Uint32Array, from: number, to: number, back: number, last: number, { pairs, runs, codes, lengths }: Codes, out: BitWriter, sums: AdlerSums): void {
  out.reserve((to - from) * 4 * MAX_CODE_BITS);
  const zero = codes[0] | (lengths[0] << 24);
  const words = out.words;
  let at = out.at;
  let buffer = out.bits;
  let count = out.count;
  let { a, b } = sums;
  for (let k = from; k < to; ) {
    // Adler-32's sums are reduced every 256 words, before they can pass 2^30 (V8's small integers).
    const chunkEnd = Math.min(to, k + 256);
    while (k < chunkEnd) {
      const word = filterPixel(pixels[k], pixels[k - back]);
      if (word === 0 && k + 1 < to && pixels[k + 1] === pixels[k + 1 - back]) {
        let end = k + 2;
        while (end < to && pixels[end] === pixels[end - back]) end++;
        let run = (end - k) * 4;
        // The run's zeros add nothing to a, and a each to b: a and b reduced first keep b + run × a under 2^30.
        a %= ADLER_BASE;
        b = (b % ADLER_BASE) + run * a;
        if (run > 4096) b %= ADLER_BASE;
        k = end;
        while (run > 0) {
          // A repeat copies the byte before: after one that is not a zero, the first zero goes as a literal.
          let entry = zero;
          if (run >= 3 && last === 0) {
            const bytes = run < MAX_RUN ? run : MAX_RUN;
            entry = runs[bytes];
            run -= bytes;
          } else run--;
          last = 0;
          const code = entry & 0xffffff;
          const length = entry >>> 24;
          buffer |= code << count;
          count += length;
          if (count >= 32) {
            words[at++] = buffer;
            count -= 32;
            buffer = code >>> (length - count);
          }
        }
        continue;
      }
      // The word's two pairs of bytes, each one code, written out twice: as a loop over the two
      // halves the coding measured some 4% slower (V8 keeps the loop).
      let pair = pairs[word & 0xffff];
      let code = pair & 0xffffff;
      let length = pair >>> 24;
      buffer |= code << count;
      count += length;
      if (count >= 32) {
        words[at++] = buffer;
        count -= 32;
        buffer = code >>> (length - count);
      }
      pair = pairs[word >>> 16];
      code = pair & 0xffffff;
      length = pair >>> 24;
      buffer |= code << count;
      count += length;
      if (count >= 32) {
        words[at++] = buffer;
        count -= 32;
        buffer = code >>> (length - count);
      }
      const x0 = word & 0xff;
      const x1 = (word >>> 8) & 0xff;
      const x2 = (word >>> 16) & 0xff;
      const x3 = word >>> 24;
      b += 4 * a + 4 * x0 + 3 * x1 + 2 * x2 + x3;
      a += x0 + x1 + x2 + x3;
      last = x3;
      k++;
    }
    a %= ADLER_BASE;
    b %= ADLER_BASE;
  }
  out.at = at;
  out.bits = buffer;
  out.count = count;
  sums.a = a;
  sums.b = b;
}

/** Codes a part's first row, filtered with Sub: its filter byte, its first pixel as it is (less nothing), the others less the one to their left. */
function codeFirstRow(pixels: Uint32Array, width: number, codes: Codes, out: BitWriter, sums: AdlerSums): void {
  codeByte(SUB, codes, out, sums);
  codeWords(Uint32Array.of(0, pixels[0]), 1, 2, 1, SUB, codes, out, sums);
  codeWords(pixels, 1, width, 1, pixels[0] >>> 24, codes, out, sums);
}

/**
 * Filters and deflates the rows as blocks, each with codes of its own, ending with a sync flush;
 * a run never reaches back before the part's first byte, so the part decodes after any other.
 * Returns the Adler-32 of the filtered bytes, their filter bytes included.
 */
function* deflatingRows(pixels: Uint32Array, width: number, rows: number, out: BitWriter): Pieces<number> {
  const rowsPerCodes = Math.max(1, Math.floor(BLOCK_BYTES / (width * 4)));
  const blockRows = rowsPerBlock(width);
  const counts = new Uint32Array(LITERAL_LENGTH_SYMBOLS);
  const sums = { a: 1, b: 0 };
  for (let fromRow = 0; fromRow < rows; fromRow += rowsPerCodes) {
    const codedRows = Math.min(rowsPerCodes, rows - fromRow);
    yield* countingRows(pixels, width, fromRow, codedRows, counts);
    const codes = codesFor(counts);
    out.append(codes.header.words, 0, codes.header.bits);
    for (let y = fromRow; y < fromRow + codedRows; y++) {
      if ((y - fromRow) % ROWS_A_PIECE === 0) yield;
      if (y > fromRow && (y - fromRow) % blockRows === 0) nextBlock(codes, out);
      if (y === 0) {
        codeFirstRow(pixels, width, codes, out, sums);
        continue;
      }
      codeByte(UP, codes, out, sums);
      codeWords(pixels, y * width, (y + 1) * width, width, UP, codes, out, sums);
    }
    out.write(codes.codes[END_OF_BLOCK], codes.lengths[END_OF_BLOCK]);
  }
  out.syncFlush();
  return ((sums.b << 16) | sums.a) >>> 0;
}

const IDAT = new Uint8Array([0x49, 0x44, 0x41, 0x54]);

/** A PNG chunk's bytes: its length, type, data and CRC. */
function chunkBytes(type: string, data: Uint8Array, crc = crc32(crc32(0, typeBytes(type)), data)): Uint8Array {
  const bytes = new Uint8Array(data.length + 12);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, data.length);
  bytes.set(typeBytes(type), 4);
  bytes.set(data, 8);
  view.setUint32(data.length + 8, crc);
  return bytes;
}

function typeBytes(type: string): Uint8Array {
  return Uint8Array.from(type, (char) => char.charCodeAt(0));
}

/** `rows` rows of RGBA pixels (`width` each, row by row; their offset in their buffer a multiple of 4), compressed as a part to join. */
export function encodeRows(pixels: Uint8Array | Uint8ClampedArray, width: number, rows: number): EncodedRows {
  return allAtOnce(encodingRows(pixels, width, rows));
}

/** encodeRows, a few rows at a time: it runs while the designer may be using the panel. */
export function* encodingRows(pixels: Uint8Array | Uint8ClampedArray, width: number, rows: number): Pieces<EncodedRows> {
  const words = new Uint32Array(pixels.buffer, pixels.byteOffset, width * rows);
  const out = new BitWriter();
  const adler = yield* deflatingRows(words, width, rows, out);
  const deflated = out.bytes();
  return { deflated, crc: crc32(crc32(0, IDAT), deflated), adler, length: rows * (width * 4 + 1) };
}

/**
 * Rows compressed ahead of a change that can only touch one span of each row's filtered bytes
 * (`spans`: from, to, in pixels, per row; with Up, a row's span covers the columns that change in
 * it and in the row above): everything but the spans is coded now, each row's bits before and after
 * its span kept whole, with codes made from the rows as they are; `encodeChanged` then codes only
 * the spans of the rows as they become, and copies the rest. Row 0 (filtered with Sub, so the
 * part joins after any other) is coded whole then.
 */
export interface PreparedRows {
  width: number;
  rows: number;
  spans: Int32Array;
  codes: Codes;
  /** Per row, two runs of bits: its filter byte and the words before its span, then those after; each from a word of `bits`. */
  bits: Uint32Array;
  starts: Int32Array;
  lengths: Int32Array;
  /** Each run's Adler-32 (of its own bytes) and how many bytes it has. */
  adlers: Uint32Array;
  bytes: Int32Array;
  /** The codes' cost of the rows' bytes sampled, in bits a byte, to tell codes that no longer fit. */
  bitsPerByte: number;
}

/** Prepares `rows` rows of RGBA pixels whose changes will stay within `spans` (see PreparedRows). */
export function prepareRows(pixels: Uint8Array | Uint8ClampedArray, width: number, rows: number, spans: Int32Array): PreparedRows {
  return allAtOnce(preparingRows(pixels, width, rows, spans));
}

/** prepareRows, a few rows at a time: it runs while the designer may be using the panel. */
export function* preparingRows(pixels: Uint8Array | Uint8ClampedArray, width: number, rows: number, spans: Int32Array): Pieces<PreparedRows> {
  const words = new Uint32Array(pixels.buffer, pixels.byteOffset, width * rows);
  const counts = new Uint32Array(LITERAL_LENGTH_SYMBOLS);
  yield* countingRows(words, width, 0, rows, counts);
  const codes = codesFor(counts);
  const out = new BitWriter();
  const starts = new Int32Array(2 * rows);
  const lengths = new Int32Array(2 * rows);
  const adlers = new Uint32Array(2 * rows);
  const bytes = new Int32Array(2 * rows);
  for (let y = 1; y < rows; y++) {
    if (y % ROWS_A_PIECE === 0) yield;
    const at = y * width;
    for (let side = 0; side < 2; side++) {
      const run = 2 * y + side;
      starts[run] = out.alignToWord();
      const begin = out.at * 32 + out.count;
      const sums = { a: 1, b: 0 };
      // A run starts after a byte the coding does not know (the span's last, or the filter byte): no repeat of it.
      if (side === 0) codeByte(UP, codes, out, sums);
      const [from, to] = side === 0 ? [at, at + spans[2 * y]] : [at + spans[2 * y + 1], at + width];
      codeWords(words, from, to, width, 1, codes, out, sums);
      lengths[run] = out.at * 32 + out.count - begin;
      adlers[run] = ((sums.b << 16) | sums.a) >>> 0;
      bytes[run] = (to - from) * 4 + (side === 0 ? 1 : 0);
    }
  }
  out.alignToWord();
  return { width, rows, spans, codes, bits: out.words, starts, lengths, adlers, bytes, bitsPerByte: sampleCost(counts, codes.lengths) };
}

/** The bits a byte these counts of literals cost with these code lengths. */
function sampleCost(counts: Uint32Array, lengths: Uint8Array): number {
  let bits = 0;
  let total = 0;
  for (let byte = 0; byte < 256; byte++) {
    bits += counts[byte] * lengths[byte];
    total += counts[byte];
  }
  return bits / total;
}

/**
 * The prepared rows as they are now, their changes within the spans, compressed: the spans are
 * coded with the prepared codes and the rest copied, unless the spans' bytes (sampled) have come
 * to cost the codes over 15% more than the codes made for the rows as they were (an answer unlike
 * the layer: a photo over flat colour), then the rows are compressed whole with codes of their own.
 */
export function encodeChanged(prepared: PreparedRows, pixels: Uint8Array | Uint8ClampedArray): EncodedRows {
  const { width, rows, spans, codes } = prepared;
  const words = new Uint32Array(pixels.buffer, pixels.byteOffset, width * rows);
  if (rows === 0 || !fits(prepared, words)) return encodeRows(pixels, width, rows);
  // Room for the copied bits and the spans at 16 bits a pixel (a photo takes some 9).
  let spanPixels = width;
  for (let y = 1; y < rows; y++) spanPixels += spans[2 * y + 1] - spans[2 * y];
  const out = new BitWriter(new Uint32Array(prepared.bits.length + Math.ceil(spanPixels / 2) + (1 << 14)));
  out.append(codes.header.words, 0, codes.header.bits);
  const sums = { a: 1, b: 0 };
  codeFirstRow(words, width, codes, out, sums);
  const blockRows = rowsPerBlock(width);
  for (let y = 1; y < rows; y++) {
    if (y % blockRows === 0) nextBlock(codes, out);
    appendRun(prepared, 2 * y, out, sums);
    codeWords(words, y * width + spans[2 * y], y * width + spans[2 * y + 1], width, 1, codes, out, sums);
    appendRun(prepared, 2 * y + 1, out, sums);
  }
  out.write(codes.codes[END_OF_BLOCK], codes.lengths[END_OF_BLOCK]);
  out.syncFlush();
  const deflated = out.bytes();
  return { deflated, crc: crc32(crc32(0, IDAT), deflated), adler: ((sums.b << 16) | sums.a) >>> 0, length: rows * (width * 4 + 1) };
}

/** Copies one of the prepared runs of bits into the stream, its bytes into the sums. */
function appendRun(prepared: PreparedRows, run: number, out: BitWriter, sums: AdlerSums): void {
  out.append(prepared.bits, prepared.starts[run], prepared.lengths[run]);
  const adler = adler32Combine(((sums.b << 16) | sums.a) >>> 0, prepared.adlers[run], prepared.bytes[run]);
  sums.a = adler & 0xffff;
  sums.b = adler >>> 16;
}

/**
 * Words between those the fit is judged from: some 60,000 of a 2048 px composite's spans, plenty
 * to tell codes that fit from codes that do not; prime, so the sample follows no pattern of the
 * pixels (as the pairs of a 2× enlargement).
 */
const FIT_SAMPLE = 31;

/** Whether the prepared codes still fit the spans' bytes: a sample of every FIT_SAMPLEth word. */
function fits({ width, rows, spans, codes, bitsPerByte }: PreparedRows, words: Uint32Array): boolean {
  const counts = new Uint32Array(256).fill(1);
  for (let y = 1; y < rows; y++) {
    for (let i = y * width + spans[2 * y], end = y * width + spans[2 * y + 1]; i < end; i += FIT_SAMPLE) {
      const word = filterPixel(words[i], words[i - width]);
      counts[word & 0xff]++;
      counts[(word >>> 8) & 0xff]++;
      counts[(word >>> 16) & 0xff]++;
      counts[word >>> 24]++;
    }
  }
  const own = codeLengths(counts, MAX_CODE_BITS);
  return sampleCost(counts, codes.lengths) <= Math.max(sampleCost(counts, own), bitsPerByte) * 1.15;
}

/** A part's IDAT chunk as its head (length, type), its compressed rows as they are, and its CRC. */
function chunkPieces(part: EncodedRows): Uint8Array[] {
  const head = new Uint8Array(8);
  new DataView(head.buffer).setUint32(0, part.deflated.length);
  head.set(IDAT, 4);
  const crc = new Uint8Array(4);
  new DataView(crc.buffer).setUint32(0, part.crc);
  return [head, part.deflated, crc];
}

/** The PNG of an 8-bit RGBA image from its rows' parts, top to bottom. */
export function joinPng(width: number, height: number, parts: EncodedRows[]): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits a sample, RGBA, deflate, adaptive filters, not interlaced
  let adler = 1;
  for (const part of parts) adler = adler32Combine(adler, part.adler, part.length);
  // The zlib stream: its header, the parts, a last (empty, stored) block and the Adler-32.
  const end = new Uint8Array([1, 0, 0, 0xff, 0xff, adler >>> 24, (adler >>> 16) & 0xff, (adler >>> 8) & 0xff, adler & 0xff]);
  const pieces = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunkBytes('IHDR', header),
    chunkBytes('IDAT', new Uint8Array([0x78, 0x01])),
    ...parts.flatMap((part) => chunkPieces(part)),
    chunkBytes('IDAT', end),
    chunkBytes('IEND', new Uint8Array(0)),
  ];
  const png = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let at = 0;
  for (const piece of pieces) {
    png.set(piece, at);
    at += piece.length;
  }
  return png;
}
