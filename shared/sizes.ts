/** The sizes LLMEasy documents for gpt-image-2, with the ratio and use it gives each. */
export const IMAGE_SIZES = [
  { value: 'auto', ratio: 'Auto', use: 'Let the model choose' },
  { value: '1024x1024', ratio: '1:1', use: 'Square: avatars, covers, assets' },
  { value: '1536x1024', ratio: '3:2', use: 'Landscape: posters, banners, scenes' },
  { value: '1024x1536', ratio: '2:3', use: 'Portrait: mobile covers, posters' },
  { value: '1536x1152', ratio: '4:3', use: 'Landscape: product, content graphics' },
  { value: '1152x1536', ratio: '3:4', use: 'Portrait: mobile covers, vertical posters' },
  { value: '2048x2048', ratio: '1:1', use: 'High-resolution square' },
  { value: '2048x1152', ratio: '16:9', use: 'High-resolution landscape' },
  { value: '3840x2160', ratio: '16:9', use: '4K landscape' },
  { value: '2160x3840', ratio: '9:16', use: '4K portrait' },
] as const;

export type ImageSize = (typeof IMAGE_SIZES)[number]['value'];

export const DEFAULT_SIZE: ImageSize = '1024x1024';

export function isImageSize(value: unknown): value is ImageSize {
  return IMAGE_SIZES.some((size) => size.value === value);
}

/**
 * The size whose ratio is nearest a box's: compared as logarithms, so 2:1 and 1:2 are as far from
 * 1:1; of sizes with the same ratio, the first listed (the smaller, quicker one).
 */
export function closestSize(box: { width: number; height: number }): ImageSize {
  if (!(box.width > 0 && box.height > 0)) return DEFAULT_SIZE;
  const target = Math.log(box.width / box.height);
  let best: { size: ImageSize; distance: number } = { size: DEFAULT_SIZE, distance: Infinity };
  for (const { value } of IMAGE_SIZES) {
    const dimensions = requestedDimensions(value);
    if (!dimensions) continue;
    const distance = Math.abs(Math.log(dimensions.width / dimensions.height) - target);
    if (distance < best.distance) best = { size: value, distance };
  }
  return best.size;
}

/**
 * The size to generate at: the designer's once they chose one, else the one closest to the ratio of
 * the largest selected layer (the one the result most likely stands in for), else the default.
 */
export function sizeFor(choice: { size: ImageSize; sizeChosen: boolean }, layers: readonly { width: number; height: number }[]): ImageSize {
  if (choice.sizeChosen) return choice.size;
  if (layers.length === 0) return DEFAULT_SIZE;
  return closestSize(layers.reduce((largest, layer) => (layer.width * layer.height > largest.width * largest.height ? layer : largest)));
}

/** The pixel dimensions a size asks for; `auto` asks for none. */
export function requestedDimensions(size: ImageSize): { width: number; height: number } | undefined {
  if (size === 'auto') return undefined;
  const [width, height] = size.split('x').map(Number);
  return { width, height };
}

/** A size as the panel writes it: "1536×1024", or "Auto". */
export function sizeText(size: ImageSize): string {
  return size === 'auto' ? 'Auto' : size.replace('x', '×');
}

/** A size as the size menu lists it, short enough for the panel: "1536×1024 · 3:2"; its use is the tooltip. */
export function sizeLabel(size: (typeof IMAGE_SIZES)[number]): string {
  return size.value === 'auto' ? 'Auto' : `${sizeText(size.value)} · ${size.ratio}`;
}

/** A size with its use, where there is room and no tooltip (Quick Actions' suggestions): "1536×1024 · 3:2 — Landscape: posters, banners, scenes". */
export function sizeDescription(size: (typeof IMAGE_SIZES)[number]): string {
  return `${sizeLabel(size)} — ${size.use}`;
}

/** What a size is for, as its tooltip says it. */
export function sizeUse(size: ImageSize): string {
  return IMAGE_SIZES.find((entry) => entry.value === size)?.use ?? '';
}

/** Sizes that take about as long as each other (4K takes the provider longer than 1K) and cost about the same. */
export type SizeTier = 'standard' | '2k' | '4k';

export const SIZE_TIERS: readonly SizeTier[] = ['standard', '2k', '4k'];

export function sizeTier(size: ImageSize): SizeTier {
  if (size === '3840x2160' || size === '2160x3840') return '4k';
  if (size === '2048x2048' || size === '2048x1152') return '2k';
  return 'standard';
}
