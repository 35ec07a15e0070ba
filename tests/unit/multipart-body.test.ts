import { describe, expect, it } from 'vitest';
import { encodeEditBody } from '../../relay/multipart-body';
import type { EditRequest } from '../../shared/edit-form';
import { solidPng } from '../fakes/png';

/**
 * Parses the body as a provider would, with a real multipart parser. Each reference is handed over
 * in two pieces, as the relay receives references (in the pieces they came in).
 */
async function parsed(request: EditRequest): Promise<FormData> {
  const images = request.images.map(({ bytes, ...image }) => ({ ...image, pieces: [bytes.subarray(0, 3), bytes.subarray(3)], length: bytes.length }));
  const { contentType, pieces, length } = encodeEditBody({ ...request, images });
  const body = new Blob(pieces as Uint8Array<ArrayBuffer>[]);
  expect(body.size).toBe(length);
  return new Request('http://provider/', { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
}

describe('edit body for the provider', () => {
  const png = solidPng(4, 4);

  it('sends the text fields in the order LLMEasy documents', async () => {
    const form = await parsed({ prompt: 'Make it blue', size: '1536x1024', images: [{ filename: 'reference-1.png', bytes: png }] });
    expect([...form].filter(([, value]) => typeof value === 'string')).toEqual([
      ['model', 'gpt-image-2'],
      ['prompt', 'Make it blue'],
      ['n', '1'],
      ['size', '1536x1024'],
      ['response_format', 'b64_json'],
      ['output_format', 'png'],
    ]);
  });

  it('sends one reference as an `image` file part with its name, type and bytes intact', async () => {
    const form = await parsed({ prompt: 'p', size: 'auto', images: [{ filename: 'reference-1.png', bytes: png }] });
    expect(form.has('image[]')).toBe(false);
    const file = form.get('image') as File;
    expect([file.name, file.type]).toEqual(['reference-1.png', 'image/png']);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(png);
  });

  it('sends several references as repeated `image[]` file parts of their own types', async () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 13, 10, 45, 45]);
    const form = await parsed({
      prompt: 'p',
      size: 'auto',
      images: [
        { filename: 'reference-1.png', bytes: png },
        { filename: 'reference-2.jpg', bytes: jpeg, type: 'image/jpeg' },
      ],
    });
    expect(form.has('image')).toBe(false);
    const files = form.getAll('image[]') as File[];
    expect(files.map((file) => [file.name, file.type])).toEqual([['reference-1.png', 'image/png'], ['reference-2.jpg', 'image/jpeg']]);
    expect(await Promise.all(files.map(async (file) => new Uint8Array(await file.arrayBuffer())))).toEqual([png, jpeg]);
  });

  it('keeps a multi-line, non-ASCII prompt, its line breaks as CRLF like a browser form', async () => {
    const form = await parsed({ prompt: 'Été 🌊\nline two\r\nthree', size: 'auto', images: [{ filename: 'reference-1.png', bytes: png }] });
    expect(form.get('prompt')).toBe('Été 🌊\r\nline two\r\nthree');
  });
});
