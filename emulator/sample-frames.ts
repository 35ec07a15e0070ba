import type { FakeFigma, FakePage } from './figma/fake-figma';

type Stop = [position: number, hex: string];

function colour(hex: string, a = 1): RGBA {
  const value = Number.parseInt(hex.slice(1), 16);
  return { r: ((value >> 16) & 255) / 255, g: ((value >> 8) & 255) / 255, b: (value & 255) / 255, a };
}

function solid(hex: string): SolidPaint {
  const { r, g, b } = colour(hex);
  return { type: 'SOLID', color: { r, g, b } };
}

/** A gradient whose transform maps the node's unit square onto the gradient line (identity: left to right). */
function gradient(type: 'GRADIENT_LINEAR' | 'GRADIENT_RADIAL', transform: Transform, stops: Stop[]): GradientPaint {
  return { type, gradientTransform: transform, gradientStops: stops.map(([position, hex]) => ({ position, color: colour(hex) })) };
}

const TOP_TO_BOTTOM: Transform = [[0, 1, 0], [1, 0, 0]];
const DIAGONAL: Transform = [[0.5, 0.5, 0], [-0.5, 0.5, 0.5]];
const CENTRED: Transform = [[1, 0, 0], [0, 1, 0]];

export interface SampleFile {
  key: string;
  name: string;
  pages: string[];
}

/** Two files to switch between: their layer ids repeat (1:1 is a layer of each), as in Figma. */
export const SAMPLE_FILES: readonly SampleFile[] = [
  { key: 'shop', name: 'Shop designs', pages: ['Page 1', 'Archive'] },
  { key: 'events', name: 'Event posters', pages: ['Posters'] },
];

const SOFT_SHADOW: DropShadowEffect = {
  type: 'DROP_SHADOW',
  color: { r: 0, g: 0, b: 0, a: 0.35 },
  offset: { x: 0, y: 8 },
  radius: 16,
  spread: 0,
  visible: true,
  blendMode: 'NORMAL',
};

/** A few frames with real pixel content, so the playground has something to edit; an older page holds other kinds of layer. */
export function addSampleFrames(figma: FakeFigma, file: SampleFile): void {
  if (file.key === 'events') return addPosterFrames(figma);
  addShopFrames(figma);
  addArchiveLayers(figma, figma.document.children[1]);
}

function addShopFrames(figma: FakeFigma): void {
  const card = figma.addFrame('Product card', { x: 0, y: 0, width: 320, height: 400 });
  card.fills = [gradient('GRADIENT_LINEAR', TOP_TO_BOTTOM, [[0, '#ffe3c9'], [1, '#ff9db4']])];
  figma.addShape('RECTANGLE', 'Photo', { x: 24, y: 24, width: 272, height: 220 }, [gradient('GRADIENT_RADIAL', CENTRED, [[0, '#fff7d6'], [0.6, '#ffb347'], [1, '#e9674a']])], card);
  figma.addShape('ELLIPSE', 'Product', { x: 100, y: 74, width: 120, height: 120 }, [solid('#2f3b69')], card);
  figma.addShape('RECTANGLE', 'Title', { x: 24, y: 268, width: 200, height: 24 }, [solid('#2f3b69')], card);
  figma.addShape('RECTANGLE', 'Price', { x: 24, y: 304, width: 96, height: 16 }, [solid('#7a4f6d')], card);
  figma.addShape('RECTANGLE', 'Buy button', { x: 24, y: 344, width: 272, height: 32 }, [solid('#0d99ff')], card);

  const logo = figma.addFrame('Logo', { x: 380, y: 0, width: 160, height: 160 }, [28, 28, 40]);
  figma.addShape('ELLIPSE', 'Ring', { x: 24, y: 24, width: 112, height: 112 }, [gradient('GRADIENT_LINEAR', DIAGONAL, [[0, '#19e3b1'], [1, '#7b61ff']])], logo);
  figma.addShape('ELLIPSE', 'Hole', { x: 52, y: 52, width: 56, height: 56 }, [solid('#1c1c28')], logo);

  const hero = figma.addFrame('Hero banner', { x: 0, y: 460, width: 540, height: 300 });
  hero.fills = [gradient('GRADIENT_LINEAR', TOP_TO_BOTTOM, [[0, '#1d2b64'], [0.7, '#f8a170'], [1, '#fcd9a8']])];
  figma.addShape('ELLIPSE', 'Sun', { x: 330, y: 120, width: 120, height: 120 }, [solid('#ffd56b')], hero);
  figma.addShape('ELLIPSE', 'Hill', { x: -120, y: 210, width: 520, height: 220 }, [solid('#3b5f4a')], hero);
  figma.addShape('ELLIPSE', 'Far hill', { x: 260, y: 230, width: 420, height: 200 }, [solid('#2c4a3a')], hero);
}

function addPosterFrames(figma: FakeFigma): void {
  const poster = figma.addFrame('Concert poster', { x: 0, y: 0, width: 360, height: 480 });
  poster.fills = [gradient('GRADIENT_LINEAR', TOP_TO_BOTTOM, [[0, '#2b1055'], [1, '#d53369']])];
  figma.addShape('ELLIPSE', 'Spotlight', { x: 80, y: 60, width: 200, height: 200 }, [gradient('GRADIENT_RADIAL', CENTRED, [[0, '#fff1c1'], [1, '#f6a04d']])], poster);
  figma.addShape('RECTANGLE', 'Headline', { x: 40, y: 320, width: 280, height: 40 }, [solid('#ffffff')], poster);
  figma.addShape('RECTANGLE', 'Date', { x: 40, y: 380, width: 160, height: 20 }, [solid('#ffd56b')], poster);

  const ticket = figma.addFrame('Ticket', { x: 420, y: 0, width: 320, height: 140 }, [255, 247, 230]);
  figma.addShape('RECTANGLE', 'Stub', { x: 240, y: 0, width: 80, height: 140 }, [solid('#d53369')], ticket);
  figma.addShape('ELLIPSE', 'Seal', { x: 24, y: 30, width: 80, height: 80 }, [solid('#2b1055')], ticket);
}

/** Layers of the kinds Figma has beyond frames: a turned sticker with a shadow, a group, a section with text. */
function addArchiveLayers(figma: FakeFigma, page: FakePage): void {
  const sticker = figma.addNode('FRAME', 'Sale sticker', { x: 40, y: 60, width: 220, height: 220 }, { fills: [solid('#ffd56b')], rotation: 12, effects: [SOFT_SHADOW], parent: page });
  figma.addNode('TEXT', 'Sticker text', { x: 30, y: 90, width: 160, height: 40 }, { fills: [solid('#2f3b69')], characters: '-30% today', fontSize: 28, parent: sticker });

  const dot = figma.addShape('ELLIPSE', 'Dot', { x: 360, y: 80, width: 80, height: 80 }, [solid('#7b61ff')], page);
  const bar = figma.addShape('RECTANGLE', 'Bar', { x: 340, y: 190, width: 120, height: 24 }, [solid('#19e3b1')], page);
  figma.addGroup('Badge', [dot, bar]);

  const section = figma.addNode('SECTION', 'Old campaign', { x: 0, y: 360, width: 540, height: 260 }, { fills: [solid('#eef1f6')], parent: page });
  figma.addNode('TEXT', 'Headline', { x: 32, y: 32, width: 420, height: 80 }, { fills: [solid('#1c1c28')], characters: 'Summer collection\nNew colours every week', fontSize: 24, parent: section });
  const arrow = 'M 0 24 L 36 24 L 36 4 L 64 32 L 36 60 L 36 40 L 0 40 Z';
  figma.addNode('VECTOR', 'Arrow', { x: 440, y: 160, width: 64, height: 64 }, { fills: [solid('#e9674a')], vectorPaths: [{ windingRule: 'NONZERO', data: arrow }], parent: section });
}
