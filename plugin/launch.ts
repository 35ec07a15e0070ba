import type { GenerationRecord, Launch, Settings } from '../shared/protocol';
import { IMAGE_SIZES, isImageSize, sizeDescription } from '../shared/sizes';

/**
 * What the panel should open with, from the command Figma ran it with: a menu item, a relaunch
 * button on a generated node (whose record gives the prompt), or Quick Actions parameters.
 */
export function launchFor(
  command: string,
  parameters: Record<string, unknown> | undefined,
  generated: GenerationRecord | undefined,
  settings: Settings,
): Launch {
  if (command === 'quick-edit' && typeof parameters?.prompt === 'string' && parameters.prompt.trim() !== '') {
    return { command, prompt: parameters.prompt.trim(), size: isImageSize(parameters.size) ? parameters.size : settings.size };
  }
  if ((command === 'edit-again' || command === 'more-variants') && generated) {
    return { command, prompt: generated.prompt, size: generated.size };
  }
  if (command === 'settings' || command === 'generate-variants') return { command };
  return { command: 'open' };
}

/** Quick Actions suggestions for the Size parameter, matching what the user typed. */
export function sizeSuggestions(query: string): { name: string; data: string }[] {
  const words = query.toLowerCase().trim();
  // Typed sizes match with an x as the list writes them with a ×.
  return IMAGE_SIZES.filter((size) => `${sizeDescription(size)} ${size.value}`.toLowerCase().includes(words)).map((size) => ({ name: sizeDescription(size), data: size.value }));
}
