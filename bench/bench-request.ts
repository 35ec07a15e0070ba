import { buildEditForm } from '../shared/edit-form';
import { noisePngOfAbout } from '../tests/fakes/noise-png';

/** A multipart edit request as the plugin sends it, encoded once so every send is the same bytes. */
export interface EncodedRequest {
  body: Buffer;
  contentType: string;
  referenceBytes: number;
}

export async function encodeEditRequest(references: number, bytesEach: number): Promise<EncodedRequest> {
  const images = Array.from({ length: references }, (_, i) => ({ filename: `reference-${i + 1}.png`, bytes: noisePngOfAbout(bytesEach, i + 1) }));
  const encoded = new Response(buildEditForm({ prompt: 'Make it a watercolor poster', size: '2048x2048', images }));
  return {
    body: Buffer.from(await encoded.arrayBuffer()),
    contentType: encoded.headers.get('content-type')!,
    referenceBytes: images.reduce((sum, image) => sum + image.bytes.length, 0),
  };
}
