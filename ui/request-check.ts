import type { RequestLimits } from '../shared/request-limits';

/** The provider takes at most 16 reference images; a relay may be set to take fewer. */
const MAX_LAYERS = 16;

export function maxLayers(limits: RequestLimits | undefined): number {
  return Math.min(MAX_LAYERS, limits?.maxImages ?? MAX_LAYERS);
}

function count(value: number): string {
  return value.toLocaleString('en');
}

/**
 * What the relay would refuse in a request of this many layers and this prompt, said before
 * anything is exported or sent; undefined when it would take it. The layers' bytes are checked as
 * they are exported (plugin/references.ts).
 */
export function requestProblem(layers: number, prompt: string, limits: RequestLimits | undefined): string | undefined {
  const most = maxLayers(limits);
  if (layers > most) return `Select at most ${most} layers: ${layers} are selected.`;
  if (limits && prompt.length > limits.maxPromptChars) {
    return `The prompt is ${count(prompt.length)} characters; the relay takes at most ${count(limits.maxPromptChars)}. Shorten it.`;
  }
  return undefined;
}
