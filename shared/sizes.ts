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
