import { beforeEach, describe, expect, it } from 'vitest';
import { startPlugin } from '../../plugin/controller';
import { GENERATION_DATA_KEY, parseGenerationRecord } from '../../plugin/generation-record';
import type { GenerationRecord, PluginMessage } from '../../shared/protocol';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { PLUGIN_DATA_LIMIT_BYTES } from '../../emulator/figma/nodes';
import { solidPng } from '../fakes/png';

type Of<T extends PluginMessage['type']> = Extract<PluginMessage, { type: T }>;

const record = (prompt: string, sourceNodeIds: string[]): GenerationRecord => ({ prompt, size: '1024x1024', sourceNodeIds, createdAt: '2026-11-25T10:00:00.000Z' });

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('plugin data within Figma’s limit, whatever the prompt', () => {
  let figma: FakeFigma;

  beforeEach(() => {
    figma = new FakeFigma();
    startPlugin(figma);
  });

  for (const [kind, prompt] of [
    ['CJK', '猫が窓辺で眠る'.repeat(4572)],
    ['emoji', '🎨'.repeat(32_000)],
    ['very long', 'a watercolor fox, '.repeat(20_000)],
  ] as const) {
    it(`places a result of a ${kind} prompt, keeping what relaunch needs within 100 kB`, async () => {
      const source = figma.addFrame('Card', { x: 0, y: 0, width: 100, height: 100 });
      const generation = record(prompt, [source.id]);
      await figma.sendFromUi({ type: 'place-result', requestId: 'p', bytes: solidPng(64, 64), generation, placement: { kind: 'beside' } });

      expect(figma.messagesOfType('result-failed')).toEqual([]);
      expect(figma.page.children).toHaveLength(2);
      const [placed] = figma.messagesOfType<Of<'result-placed'>>('result-placed');
      const node = figma.findNode((candidate) => candidate.id === placed.nodeId)!;
      const data = node.getPluginData(GENERATION_DATA_KEY);
      expect(bytes(data)).toBeLessThan(PLUGIN_DATA_LIMIT_BYTES);
      const kept = parseGenerationRecord(data)!;
      expect({ ...kept, prompt: '' }).toEqual({ ...generation, prompt: '' });
      // The prompt is kept whole when it fits, else its start, cut at a character and marked.
      const stored = Array.from(kept.prompt);
      if (stored.length < Array.from(prompt).length) {
        expect(stored.at(-1)).toBe('…');
        expect(prompt.startsWith(stored.slice(0, -1).join(''))).toBe(true);
        expect(stored.length).toBeGreaterThan(20_000);
      } else {
        expect(kept.prompt).toBe(prompt);
      }
    });
  }

  it('replaces in place with a long prompt, keeping its record within the limit', async () => {
    const photo = figma.addNode('RECTANGLE', 'Photo', { x: 0, y: 0, width: 100, height: 100 }, { fills: [{ type: 'SOLID', color: { r: 0, g: 0, b: 1 } }] });
    await figma.sendFromUi({ type: 'place-result', requestId: 'r', bytes: solidPng(64, 64), generation: record('🎨'.repeat(32_000), [photo.id]), placement: { kind: 'replace', nodeId: photo.id } });
    expect(figma.messagesOfType('result-failed')).toEqual([]);
    expect(bytes(photo.getPluginData(GENERATION_DATA_KEY))).toBeLessThan(PLUGIN_DATA_LIMIT_BYTES);
    expect(photo.fills).toHaveLength(2);
  });

  it('leaves nothing on the canvas when Figma refuses part of the placement', async () => {
    figma.addFrame('Card', { x: 0, y: 0, width: 100, height: 100 });
    const create = figma.createRectangle.bind(figma);
    // As Figma refuses relaunch data for a command the manifest does not list.
    figma.createRectangle = () => Object.assign(create(), {
      setRelaunchData: () => {
        throw new Error('in setRelaunchData: relaunch command is not in the manifest');
      },
    });
    await figma.sendFromUi({ type: 'place-result', requestId: 'p', bytes: solidPng(64, 64), generation: record('Neon', []), placement: { kind: 'beside' } });
    expect(figma.messagesOfType('result-failed')).toHaveLength(1);
    expect(figma.page.children.map((node) => node.name)).toEqual(['Card']);
  });
});
