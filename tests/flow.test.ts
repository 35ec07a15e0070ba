import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlugin } from '../plugin/controller';
import { GENERATION_DATA_KEY } from '../plugin/generation-record';
import { liveUpstream } from '../relay/upstream';
import { buildEditForm } from '../shared/edit-form';
import type { PluginMessage } from '../shared/protocol';
import { mappedSize, startFakeLlmEasy, type FakeLlmEasy } from './fakes/fake-llmeasy';
import { FakeFigma } from '../emulator/figma/fake-figma';
import { startRelay, type RunningRelay } from './helpers/relay-server';

type Of<T extends PluginMessage['type']> = Extract<PluginMessage, { type: T }>;
const API_KEY = 'sk-flow-test-key';

/**
 * The whole core flow with every real piece but the browser: the sandbox exports the selection
 * from a fake figma, the UI's form builder makes the body, the relay forwards it over HTTP to a
 * strict fake LLMEasy, and the sandbox places the answer.
 */
describe('edit two selected layers end to end', () => {
  let provider: FakeLlmEasy;
  let relay: RunningRelay;

  beforeAll(async () => {
    provider = await startFakeLlmEasy({ apiKey: API_KEY });
    relay = await startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }) });
  });

  afterAll(async () => {
    await relay.close();
    await provider.close();
  });

  it('places the provider image beside the selection at its decoded size', async () => {
    const figma = new FakeFigma();
    startPlugin(figma);
    const card = figma.addFrame('Card', { x: 0, y: 0, width: 320, height: 480 }, [250, 200, 20]);
    const logo = figma.addFrame('Logo', { x: 360, y: 0, width: 128, height: 128 }, [20, 20, 200]);
    figma.page.selection = [card, logo];

    await figma.sendFromUi({ type: 'export-references', requestId: 'flow' });
    const references = figma.messagesOfType<Of<'reference'>>('reference');
    const form = buildEditForm({
      prompt: 'Put the logo on the card',
      size: '1024x1536',
      images: references.map((r, i) => ({ filename: `reference-${i + 1}.png`, bytes: r.bytes })),
    });
    const response = await fetch(`${relay.url}/v1/images/edits`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: { b64_json: string }[] };
    const generation = { prompt: 'Put the logo on the card', size: '1024x1536' as const, sourceNodeIds: references.map((r) => r.nodeId), createdAt: new Date().toISOString() };
    await figma.sendFromUi({ type: 'place-result', requestId: 'flow', bytes: new Uint8Array(Buffer.from(data[0].b64_json, 'base64')), generation, placement: { kind: 'beside' } });

    expect(provider.calls[0].images.map((i) => [i.field, i.width, i.height])).toEqual([['image[]', 320, 480], ['image[]', 128, 128]]);
    const node = figma.page.children.at(-1)!;
    expect({ width: node.width, height: node.height }).toEqual(mappedSize('1024x1536'));
    expect([node.x, node.y]).toEqual([488 + 40, 0]);
    expect(JSON.parse(node.getPluginData(GENERATION_DATA_KEY)).sourceNodeIds).toEqual([card.id, logo.id]);
  });
});
