import type { GenerationRecord, Launch, Settings } from '../shared/protocol';
import { IMAGE_SIZES, isImageSize, sizeDescription, sizeFor } from '../shared/sizes';
import { BATCH_VARIANTS } from './settings';

/**
 * What the panel should open with, from the command Figma ran it with: a menu item, a relaunch
 * button on a generated node (whose record gives the prompt and size), or Quick Actions
 * parameters. `selection` is what is selected as the panel opens (for the size Quick edit uses
 * when none is given and the designer never picked one).
 */
export function launchFor(
  command: string,
  parameters: Record<string, unknown> | undefined,
  generated: GenerationRecord | undefined,
  settings: Settings,
  selection: readonly { width: number; height: number }[] = [],
): Launch {
  if (command === 'quick-edit' && typeof parameters?.prompt === 'string' && parameters.prompt.trim() !== '') {
    return { command, prompt: parameters.prompt.trim(), size: isImageSize(parameters.size) ? parameters.size : sizeFor(settings, selection) };
  }
  if (command === 'edit-again' && generated) return { command, prompt: generated.prompt, size: generated.size };
  if (command === 'more-variants' && generated) return { command, prompt: generated.prompt, size: generated.size, variants: BATCH_VARIANTS };
  if (command === 'generate-variants') return { command, variants: settings.batchVariants };
  if (command === 'settings') return { command };
  return { command: 'open' };
}

/** Quick Actions suggestions for the Size parameter, matching what the user typed. */
export function sizeSuggestions(query: string): { name: string; data: string }[] {
  const words = query.toLowerCase().trim();
  // Typed sizes match with an x as the list writes them with a ×.
  return IMAGE_SIZES.filter((size) => `${sizeDescription(size)} ${size.value}`.toLowerCase().includes(words)).map((size) => ({ name: sizeDescription(size), data: size.value }));
}
