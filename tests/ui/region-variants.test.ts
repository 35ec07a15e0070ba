import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPlugin } from '../../plugin/controller';
import { liveUpstream } from '../../relay/upstream';
import { buildEditForm } from '../../shared/edit-form';
import type { GenerationRecord } from '../../shared/protocol';
import { relayJobClient } from '../../ui/job-client';
import { runVariant, type VariantSpec } from '../../ui/variant-run';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { mappedSize, startFakeLlmEasy, type FakeLlmEasy } from '../fakes/fake-llmeasy';
import { decodedSize, solidPng } from '../fakes/png';
import { sandboxOn } from '../helpers/fake-sandbox';
import { photoWithOval } from '../helpers/region-scene';
import { startRelay, type RunningRelay } from '../helpers/relay-server';
import { storedPendingJobs } from '../helpers/stored-jobs';

const API_KEY = 'sk-region-test';

/** The composite step of an edit inside a shape, in the variant flow: each answer is made into the image placed, and a paid answer is never lost. */
describe('an edit inside a shape, from the relay to the canvas', () => {
  let provider: FakeLlmEasy;
  let relay: RunningRelay;
  let figma: FakeFigma;

  beforeEach(async () => {
    provider = await startFakeLlmEasy({ apiKey: API_KEY, delayMs: 50 });
    relay = await startRelay({ upstream: liveUpstream({ baseUrl: provider.baseUrl, apiKey: API_KEY }) });
    figma = new FakeFigma();
    startPlugin(figma);
  });

  afterEach(async () => {
    await relay.close();
    await provider.close();
  });

  function specFor(index: number, compose: VariantSpec['compose']): VariantSpec {
    const generation: GenerationRecord = { ...photoWithOval(figma, 'A moon').generation, variant: { number: index + 1, of: 2 } };
    const form = buildEditForm({ prompt: 'A moon', size: '1024x1024', images: [{ filename: 'reference-1.png', bytes: solidPng(164, 144) }] });
    return {
      job: { kind: 'new', request: { kind: 'edit', form } },
      idempotencyKey: `region-${index}`,
      generation,
      placement: { kind: 'beside' },
      batch: { id: 'region', index },
      referenceNames: ['Photo'],
      relay: { relayUrl: relay.url, accessToken: '' },
      startedAt: Date.now(),
      notifyOnPlace: () => undefined,
      compose,
    };
  }

  it('places what compose makes of each answer, at the layer’s size, and hides the shape', async () => {
    const answers: number[][] = [];
    const compose = async (answer: Uint8Array) => {
      answers.push(Object.values(decodedSize(answer)));
      return solidPng(400, 300, [10, 200, 30]);
    };
    const jobs = relayJobClient({ relayUrl: relay.url, accessToken: '' });
    const final = await runVariant(jobs, sandboxOn(figma), specFor(0, compose), new AbortController().signal, () => {});
    expect(final).toMatchObject({ phase: 'placed', width: 400, height: 300 });
    expect(answers).toEqual([Object.values(mappedSize('1024x1024'))]);
    const oval = figma.findNode((node) => node.name === 'Oval')!;
    expect(oval.visible).toBe(false);
  });

  it('keeps an answer it could not put back downloadable, and its job recorded to be tried again on the next open', async () => {
    const compose = async () => {
      throw new Error('“Photo” has changed size since the edit was sent, so the edited part no longer fits it.');
    };
    const jobs = relayJobClient({ relayUrl: relay.url, accessToken: '' });
    const final = await runVariant(jobs, sandboxOn(figma), specFor(1, compose), new AbortController().signal, () => {});
    expect(final.phase).toBe('failed');
    if (final.phase !== 'failed') return;
    expect(final.message).toMatch(/couldn’t put the edit back into the layer: “Photo” has changed size .* Download the edited part from here/);
    expect(decodedSize(final.unplaced!.bytes)).toEqual(mappedSize('1024x1024'));
    expect(storedPendingJobs(figma.storage)).toHaveLength(1);
    expect(figma.findNode((node) => node.name === 'Oval')!.visible).toBe(true);
  });
});
