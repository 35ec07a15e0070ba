import { describe, expect, it } from 'vitest';
import { imageAnswer, openAiImageJson } from '../../relay/provider';
import { solidPng } from '../fakes/png';

/** A PNG whose base64 ends in slashes, which some JSON encoders escape as `\/`. */
const base64 = Buffer.concat([solidPng(4, 4), Buffer.from([0xff, 0xff, 0xff])]).toString('base64');

async function relayed(providerJson: string): Promise<unknown> {
  const image = await imageAnswer({ status: 200, retryAfter: null, read: async () => Buffer.from(providerJson) });
  return JSON.parse(Buffer.from(openAiImageJson(image)).toString());
}

describe("the provider's answer as the relay passes it on", () => {
  it('keeps only the OpenAI shape: created and the base64 image', async () => {
    const answer = JSON.stringify({ created: 1700000000, data: [{ b64_json: base64, revised_prompt: 'x' }], usage: { total_tokens: 3 } });
    expect(await relayed(answer)).toEqual({ created: 1700000000, data: [{ b64_json: base64 }] });
  });

  it('passes on base64 the provider sent with escaped slashes as plain base64', async () => {
    expect(base64).toContain('/');
    const answer = JSON.stringify({ created: 1700000000, data: [{ b64_json: base64 }] }).replaceAll('/', '\\/');
    expect(await relayed(answer)).toEqual({ created: 1700000000, data: [{ b64_json: base64 }] });
  });

  it('finds the image where the answer spaces its JSON out', async () => {
    const answer = `{ "created" : 1700000000 ,\n "data" : [ { "b64_json" :\t"${base64}" } ] }`;
    expect(await relayed(answer)).toEqual({ created: 1700000000, data: [{ b64_json: base64 }] });
  });

  it('takes the image from data[0], not from a b64_json key elsewhere in the answer', async () => {
    const answer = JSON.stringify({ meta: { b64_json: 'bm90IGl0' }, created: 1700000000, data: [{ b64_json: base64 }] });
    expect(await relayed(answer)).toEqual({ created: 1700000000, data: [{ b64_json: base64 }] });
  });

  it.each([
    ['no data', JSON.stringify({ created: 1 })],
    ['an image that is not a PNG', JSON.stringify({ created: 1, data: [{ b64_json: Buffer.from('GIF89a and more bytes').toString('base64') }] })],
    ['text that is not base64 after unescaping', JSON.stringify({ created: 1, data: [{ b64_json: `${base64.slice(0, 40)}"}]}` }] }).replaceAll('/', '\\/')],
    ['an answer cut off inside the image', `{"created":1,"data":[{"b64_json":"${base64}`],
  ])('refuses an answer with %s as a bad answer from the provider', async (_name, answer) => {
    await expect(relayed(answer)).rejects.toMatchObject({ status: 502, code: 'provider_bad_answer' });
  });
});

