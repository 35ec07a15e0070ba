import type { Launch, Settings } from '../shared/protocol';
import { type ImageSize, sizeFor } from '../shared/sizes';

/** The size and variant count a command opened the panel with; they hold until the designer picks others. */
export interface OpenedWith {
  size?: ImageSize;
  variants?: number;
}

export function openedWith(launch: Launch): OpenedWith {
  return {
    ...('size' in launch ? { size: launch.size } : {}),
    ...('variants' in launch ? { variants: launch.variants } : {}),
  };
}

/**
 * What the Size and Variants fields show and Generate uses: what the command opened with, else the
 * designer's settings, and for a size they never picked, the one closest to the selection's ratio.
 */
export function panelChoices(settings: Settings, opened: OpenedWith, selection: readonly { width: number; height: number }[]) {
  return { size: opened.size ?? sizeFor(settings, selection), variants: opened.variants ?? settings.variants };
}

/** The settings once the designer picks a size: from then on it is their choice, whatever is selected. */
export function pickSize(settings: Settings, size: ImageSize): Settings {
  return { ...settings, size, sizeChosen: true };
}

/** The settings once the designer picks a variant count; a count above 1 is what "Generate variants" opens with next. */
export function pickVariants(settings: Settings, variants: number): Settings {
  return { ...settings, variants, batchVariants: variants > 1 ? variants : settings.batchVariants };
}
