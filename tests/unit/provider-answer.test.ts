import { describe, expect, it } from 'vitest';
import { imageAnswer, openAiImageJson } from '../../relay/provider';
import { solidPng } from '../fakes/png';

/** A PNG whose base64 ends in slashes, which some JSON encoders escape as `\/`. */
const base64 = Buffer.concat([solidPng(4, 4), Buffer.from([0xff, 0xff, 0xff])]).toString('base64');

async function relayed(providerJson: string): Promise<unknown> {
  const response = new Response(providerJson, { headers: { 'content-type': 'application/json' } });
  return JSON.parse(openAiImageJson(await imageAnswer(response)));
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
});
