import type { GenerationRecord } from '../shared/protocol';
import { isImageSize } from '../shared/sizes';

export const GENERATION_DATA_KEY = 'reimage';

/** Reads the record a generated node keeps in its plugin data; undefined for any other node. */
export function parseGenerationRecord(data: string): GenerationRecord | undefined {
  try {
    const value = JSON.parse(data) as Partial<GenerationRecord>;
    if (typeof value.prompt !== 'string' || !isImageSize(value.size) || !Array.isArray(value.sourceNodeIds)) return undefined;
    return {
      prompt: value.prompt,
      size: value.size,
      sourceNodeIds: value.sourceNodeIds.filter((id): id is string => typeof id === 'string'),
      createdAt: typeof value.createdAt === 'string' ? value.createdAt : '',
    };
  } catch {
    return undefined;
  }
}

/** Records how a node was made and gives it the "Edit again" and "More variants" relaunch buttons. */
export function markGenerated(node: SceneNode, generation: GenerationRecord): void {
  node.setPluginData(GENERATION_DATA_KEY, JSON.stringify(generation));
  node.setRelaunchData({ 'edit-again': generation.prompt.slice(0, 80), 'more-variants': '' });
}
