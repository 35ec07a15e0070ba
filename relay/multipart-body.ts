import { randomBytes } from 'node:crypto';
import { editTextFields, referenceFieldName } from '../shared/edit-form';
import type { ReceivedEdit } from './edit-request';

export interface MultipartBody {
  contentType: string;
  /** The body in order, each reference in the pieces it came in: none is copied into a joined buffer. */
  pieces: Uint8Array[];
  length: number;
}

/** As the HTML form encoding does: line breaks become CRLF, and quotes and line breaks in a header's quoted name are escaped. */
const crlf = (value: string) => value.replace(/\r\n|\r|\n/g, '\r\n');
const quoted = (name: string) => name.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');

/**
 * The edit as the multipart body LLMEasy documents (see buildEditForm), its length known so the
 * provider gets a Content-Length rather than a chunked stream.
 */
export function encodeEditBody(request: ReceivedEdit): MultipartBody {
  const boundary = `----ReimageRelay${randomBytes(16).toString('hex')}`;
  const pieces: Uint8Array[] = [];
  const text = (value: string) => pieces.push(Buffer.from(value, 'utf8'));
  for (const [name, value] of editTextFields(request)) {
    text(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${crlf(value)}\r\n`);
  }
  const field = referenceFieldName(request.images.length);
  for (const image of request.images) {
    text(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${quoted(image.filename)}"\r\nContent-Type: ${image.type ?? 'image/png'}\r\n\r\n`);
    pieces.push(...image.pieces);
    text('\r\n');
  }
  text(`--${boundary}--\r\n`);
  const length = pieces.reduce((sum, piece) => sum + piece.length, 0);
  return { contentType: `multipart/form-data; boundary=${boundary}`, pieces, length };
}
