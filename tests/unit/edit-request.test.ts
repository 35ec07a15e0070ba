import { describe, expect, it } from 'vitest';
import { parseEditForm } from '../../relay/edit-request';
import { RelayHttpError } from '../../relay/errors';
import { solidPng } from '../fakes/png';

function form(fields: Record<string, string>, files: [string, Uint8Array, string][] = [['image', solidPng(2, 2), 'a.png']]): FormData {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.append(key, value);
  for (const [key, bytes, name] of files) body.append(key, new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' }), name);
  return body;
}

async function problem(body: FormData): Promise<RelayHttpError> {
  const error = await parseEditForm(body).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RelayHttpError);
  return error as RelayHttpError;
}

describe('reading an edit request', () => {
  it('keeps prompt, size and references, renaming each reference', async () => {
    const request = await parseEditForm(form({ prompt: 'Blue', size: '1024x1536' }, [['image[]', solidPng(2, 2), 'x.png'], ['image[]', solidPng(3, 3), 'y']]));
    expect(request.prompt).toBe('Blue');
    expect(request.size).toBe('1024x1536');
    expect(request.images.map((i) => i.filename)).toEqual(['reference-1.png', 'reference-2.png']);
  });

  it('defaults the size to auto, as OpenAI does', async () => {
    expect((await parseEditForm(form({ prompt: 'p' }))).size).toBe('auto');
  });

  it('requires a prompt', async () => {
    const error = await problem(form({ prompt: '  ' }));
    expect(error.status).toBe(400);
    expect(error.param).toBe('prompt');
  });

  it('rejects a prompt over 32,000 characters', async () => {
    expect((await problem(form({ prompt: 'x'.repeat(32_001) }))).message).toContain('32000');
  });

  it('names the allowed sizes when the size is unknown', async () => {
    const error = await problem(form({ prompt: 'p', size: '512x512' }));
    expect(error.param).toBe('size');
    expect(error.message).toContain('3840x2160');
  });

  it('refuses n other than 1 and says to send one request per variant', async () => {
    expect((await problem(form({ prompt: 'p', n: '3' }))).message).toContain('one request per variant');
  });

  it('refuses a request with no reference', async () => {
    expect((await problem(form({ prompt: 'p' }, []))).param).toBe('image');
  });

  it('refuses more than 16 references', async () => {
    const files = Array.from({ length: 17 }, (_, i) => ['image[]', solidPng(1, 1), `${i}.png`] as [string, Uint8Array, string]);
    expect((await problem(form({ prompt: 'p' }, files))).message).toContain('at most 16');
  });

  it('refuses a reference that is not a PNG by its bytes', async () => {
    const error = await problem(form({ prompt: 'p' }, [['image', new TextEncoder().encode('GIF89a...'), 'fake.png']]));
    expect(error.message).toBe('Reference 1 (fake.png) is not a PNG image: export it as PNG.');
  });
});
