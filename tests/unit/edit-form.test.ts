import { describe, expect, it } from 'vitest';
import { buildEditForm } from '../../shared/edit-form';
import { solidPng } from '../fakes/png';

async function multipartText(form: FormData): Promise<string> {
  return new Response(form).text();
}

describe('edit form building', () => {
  const png = solidPng(4, 4);

  it('sends the fixed fields LLMEasy asks for in every request', () => {
    const form = buildEditForm({ prompt: 'Make it blue', size: '1536x1024', images: [{ filename: 'reference-1.png', bytes: png }] });
    expect(form.get('model')).toBe('gpt-image-2');
    expect(form.get('prompt')).toBe('Make it blue');
    expect(form.get('n')).toBe('1');
    expect(form.get('size')).toBe('1536x1024');
    expect(form.get('response_format')).toBe('b64_json');
    expect(form.get('output_format')).toBe('png');
  });

  it('sends one reference as `image`', () => {
    const form = buildEditForm({ prompt: 'p', size: 'auto', images: [{ filename: 'reference-1.png', bytes: png }] });
    expect(form.getAll('image')).toHaveLength(1);
    expect(form.has('image[]')).toBe(false);
  });

  it('sends several references as repeated `image[]`', () => {
    const images = [1, 2, 3].map((i) => ({ filename: `reference-${i}.png`, bytes: png }));
    const form = buildEditForm({ prompt: 'p', size: 'auto', images });
    expect(form.has('image')).toBe(false);
    expect(form.getAll('image[]').map((file) => (file as File).name)).toEqual(['reference-1.png', 'reference-2.png', 'reference-3.png']);
  });

  it('makes each reference a PNG file part with a filename and image/png type', async () => {
    const text = await multipartText(buildEditForm({ prompt: 'p', size: 'auto', images: [{ filename: 'reference-1.png', bytes: png }] }));
    expect(text).toMatch(/Content-Disposition: form-data; name="image"; filename="reference-1.png"\r\nContent-Type: image\/png/);
  });

  it('keeps the reference bytes intact', async () => {
    const form = buildEditForm({ prompt: 'p', size: 'auto', images: [{ filename: 'reference-1.png', bytes: png }] });
    expect(new Uint8Array(await (form.get('image') as File).arrayBuffer())).toEqual(png);
  });
});
