import type { Readable } from 'node:stream';
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import type { EditRequest, ReferenceImage } from '../shared/edit-form';
import type { ImageSize } from '../shared/sizes';
import { RelayHttpError } from './errors';
import { IMAGE_TYPES, SNIFF_BYTES, sniffImageType, type ImageType } from './image-type';
import { checkSingleImage, invalid, promptTooLong, readPrompt, readSize } from './request-fields';
import { amount, DEFAULT_REQUEST_LIMITS, maxEditBodyBytes, type RequestLimits } from './request-limits';

/** Text fields an OpenAI client may send; all but prompt, size and n are replaced or dropped. */
const MAX_TEXT_FIELDS = 32;
const UTF8_MAX_BYTES_PER_CHAR = 4;

function tooLarge(message: string): RelayHttpError {
  return new RelayHttpError(413, 'request_too_large', message, 'image');
}

function malformed(): RelayHttpError {
  return new RelayHttpError(400, 'invalid_multipart', 'The multipart body could not be read: it is malformed or was cut short. Send it again.');
}

/**
 * A reference as the upload brought it: its bytes in the pieces they came in (views of the
 * socket's chunks), never joined into one buffer. Joining them copied megabytes a job, and V8
 * answers that much new memory with full garbage collections: 60-63 mark-compacts in 40 jobs of 3
 * references of 1.4 MB (`--trace-gc`), 32-38 without the copy.
 */
export interface ReceivedReference extends Omit<ReferenceImage, 'bytes'> {
  pieces: readonly Uint8Array[];
  length: number;
}

/** An edit as the relay received it, its references in pieces. */
export interface ReceivedEdit extends Omit<EditRequest, 'images'> {
  images: readonly ReceivedReference[];
}

/** A reference's bytes in one buffer, for the one place that needs them so (the demo upstream decodes the first). */
export function joinedBytes(reference: ReceivedReference): Uint8Array {
  return reference.pieces.length === 1 ? reference.pieces[0] : Buffer.concat(reference.pieces, reference.length);
}

/** Gathers the parts of an edit as they stream in, refusing the first one over a limit. */
class EditCollector {
  private prompt: string | undefined;
  private size: ImageSize | undefined;
  private n: string | undefined;
  private readonly images: ReceivedReference[] = [];
  private imageBytes = 0;
  private imageCount = 0;

  constructor(private readonly limits: RequestLimits) {}

  field(name: string, value: string, truncated: boolean): void {
    if (name === 'prompt') {
      if (truncated) throw promptTooLong(this.limits.maxPromptChars);
      if (value.length > this.limits.maxPromptChars) throw promptTooLong(this.limits.maxPromptChars, value.length);
      this.prompt ??= value;
    } else if (name === 'size') {
      this.size ??= readSize(value);
    } else if (name === 'n') {
      this.n ??= value;
    } else if (name === 'image' || name === 'image[]') {
      throw invalid('image', `Reference ${this.imageCount + 1} must be a file, not a text field.`);
    }
  }

  /** A sink for an image part's bytes, or undefined for a file part the provider does not take. */
  file(name: string, clientFilename: string): { chunk(bytes: Buffer): void; end(): void } | undefined {
    if (name !== 'image' && name !== 'image[]') return undefined;
    const index = ++this.imageCount;
    const label = `Reference ${index}${clientFilename ? ` (${clientFilename})` : ''}`;
    if (index > this.limits.maxImages) {
      throw invalid('image', `Send at most ${this.limits.maxImages} reference images; this request has more. Select fewer layers.`, 'too_many_images');
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    let type: ImageType | undefined;
    const sniff = (final: boolean) => {
      const head = Buffer.concat(chunks).subarray(0, SNIFF_BYTES);
      if (head.length < SNIFF_BYTES && !final) return;
      type = sniffImageType(head);
      if (!type) throw invalid('image', `${label} is not a PNG, JPEG or WebP image by its contents. Export the layer as PNG.`, 'invalid_image');
    };
    return {
      chunk: (data) => {
        bytes += data.length;
        this.imageBytes += data.length;
        if (bytes > this.limits.maxImageBytes) {
          throw tooLarge(`${label} is larger than ${amount(this.limits.maxImageBytes)}, the relay's limit for one image. Select a smaller layer.`);
        }
        if (this.imageBytes > this.limits.maxTotalImageBytes) {
          throw tooLarge(`The references add up to more than ${amount(this.limits.maxTotalImageBytes)}, the relay's limit for one request. Select fewer or smaller layers.`);
        }
        // Kept as busboy hands it over: a view of one of the body's chunks (each a buffer of its own
        // off the socket), or of its look-behind buffer, which it reuses but which only ever holds
        // the start of the boundary at the same offsets, so the view's bytes never change. The
        // property test of false starts in chunks of a few bytes (tests/unit/edit-request.test.ts)
        // holds busboy to that.
        chunks.push(data);
        if (!type) sniff(false);
      },
      end: () => {
        if (bytes === 0) throw invalid('image', `${label} is empty. Export the layer again.`, 'invalid_image');
        if (!type) sniff(true);
        const imageType = type!;
        this.images.push({ filename: `reference-${index}.${IMAGE_TYPES[imageType]}`, type: imageType, pieces: chunks, length: bytes });
      },
    };
  }

  result(): ReceivedEdit {
    const prompt = readPrompt(this.prompt, this.limits.maxPromptChars);
    checkSingleImage(this.n);
    if (this.images.length === 0) throw invalid('image', 'Send at least one reference image.');
    return { prompt, size: readSize(this.size), images: this.images };
  }
}

function parserFor(contentType: string, limits: RequestLimits): BusboyInstance {
  try {
    return new Busboy({
      headers: { 'content-type': contentType },
      limits: {
        fieldSize: limits.maxPromptChars * UTF8_MAX_BYTES_PER_CHAR + 1,
        fields: MAX_TEXT_FIELDS,
        parts: MAX_TEXT_FIELDS + limits.maxImages + 1,
        headerPairs: 16,
      },
    });
  } catch {
    throw invalid('Content-Type', 'The multipart Content-Type has no usable boundary. Send the edit as multipart/form-data, as the OpenAI images API does.', 'invalid_content_type');
  }
}

/** An edit request's body as it comes off the socket, with the headers that describe it. */
export interface EditUpload {
  contentType: string | undefined;
  contentLength: string | undefined;
  body: Readable;
}

/**
 * Reads an edit request off the wire: the one entry point for the synchronous and the job path.
 * The body is parsed as it streams in and refused at the first byte over a limit, so the relay
 * never holds more than the limits allow, and a refused request never reaches the provider. A
 * refused body is left unread, paused, for the server to drain after the error has been answered.
 */
export async function readEditRequest(upload: EditUpload, limits: RequestLimits = DEFAULT_REQUEST_LIMITS): Promise<ReceivedEdit> {
  const contentType = upload.contentType ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    throw invalid('Content-Type', 'Send the edit as multipart/form-data, as the OpenAI images API does.', 'invalid_content_type');
  }
  const maxBody = maxEditBodyBytes(limits);
  const declared = Number(upload.contentLength ?? 0);
  if (declared > maxBody) {
    throw tooLarge(`The request is ${amount(declared)}; the relay takes at most ${amount(limits.maxTotalImageBytes)} of references in all. Select fewer or smaller layers.`);
  }

  const collector = new EditCollector(limits);
  const parser = parserFor(contentType, limits);
  const { body } = upload;
  let late: unknown;
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    let failed = false;
    const stop = (error?: unknown) => {
      failed ||= error !== undefined;
      if (settled) {
        late ??= error;
        return;
      }
      settled = true;
      body.off('data', onData).off('end', onEnd).off('error', onBroken).off('aborted', onBroken).off('close', onClosed);
      body.pause();
      parser.off('drain', onDrain);
      if (error === undefined) return resolve();
      parser.on('error', () => {}).destroy();
      reject(error);
    };
    // Steps still run after the parser finished: a part's last step can come after it.
    const guard = (step: () => void) => {
      if (failed) return;
      try {
        step();
      } catch (error) {
        stop(error);
      }
    };
    let received = 0;
    const onData = (chunk: Buffer) =>
      guard(() => {
        received += chunk.length;
        if (received > maxBody) {
          throw tooLarge(`The request is larger than the relay takes: at most ${amount(limits.maxTotalImageBytes)} of references in all. Select fewer or smaller layers.`);
        }
        if (!parser.write(chunk)) body.pause();
      });
    const onDrain = () => body.resume();
    const onEnd = () => guard(() => parser.end());
    const onBroken = () => stop(malformed());
    // A body cut short ends with close before end.
    const onClosed = () => {
      if (!body.readableEnded) stop(malformed());
    };

    parser.on('field', (name, value, _nameTruncated, valueTruncated) => guard(() => collector.field(name, value, valueTruncated)));
    parser.on('file', (name, stream, filename) => {
      // A body cut short fails the part's stream too; unheard, that error would end the process.
      stream.on('error', () => stop(malformed()));
      guard(() => {
        const sink = collector.file(name, filename);
        if (!sink) return void stream.resume();
        stream.on('data', (chunk: Buffer) => guard(() => sink.chunk(chunk)));
        stream.on('end', () => guard(() => sink.end()));
      });
    });
    const tooManyParts = () => stop(invalid('image', `The form has too many parts: send the prompt, the size and at most ${limits.maxImages} images.`, 'too_many_parts'));
    parser.on('partsLimit', tooManyParts);
    parser.on('fieldsLimit', tooManyParts);
    parser.on('error', () => stop(malformed()));
    parser.on('finish', () => stop());
    parser.on('drain', onDrain);
    body.on('data', onData).on('end', onEnd).on('error', onBroken).on('aborted', onBroken).on('close', onClosed);
    if (body.readableEnded) onEnd();
    body.resume();
  });
  // A part's last step can fail after the parser said it finished.
  if (late !== undefined) throw late;
  return collector.result();
}
