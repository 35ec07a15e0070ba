import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../emulator/main';
import { demoUpstream } from '../../relay/demo-upstream';
import { decodePngRgba, type Rgba } from '../../shared/png-rgba';
import { type RunningRelay, startRelay } from '../helpers/relay-server';
import { configureRelay, endOfRun, layers, openFigma, type Playground, pluginUi, quickEdit, screenshots, type Stack, startPlayground, startStack, switchTheme } from './harness';

/** The default feather in Settings: pixels farther than this from the shape must stay the layer's own. */
const FEATHER = 4;

type ShapeKind = 'RECTANGLE' | 'ELLIPSE' | 'VECTOR';

/**
 * Draws a colourful layer (a frame with a diagonal, partly see-through gradient and a disc) and a shape over part of
 * it, as a designer would: the shape goes inside the frame, as Figma puts it there. Returns the
 * layer's own export, and the shape's, with where the shape sits in the layer.
 */
async function drawScene(page: Page, kind: ShapeKind) {
  const exported = await page.evaluate(async (shapeKind) => {
    const { figma } = (window as unknown as { emulator: Emulator }).emulator;
    const colour = (r: number, g: number, b: number, a: number) => ({ r, g, b, a });
    const scene = figma.addFrame('Scene', { x: 0, y: 820, width: 480, height: 320 });
    // See-through from almost nothing to most, as a layer's soft edges and shadows are: a canvas, which keeps pixels premultiplied, would change their colours.
    scene.fills = [{ type: 'GRADIENT_LINEAR', gradientTransform: [[0.7, 0.3, 0], [-0.3, 0.7, 0.3]], gradientStops: [{ position: 0, color: colour(0.1, 0.6, 0.9, 0.04) }, { position: 1, color: colour(0.95, 0.3, 0.2, 0.9) }] }];
    figma.addShape('ELLIPSE', 'Sun', { x: 300, y: 40, width: 120, height: 120 }, [{ type: 'SOLID', color: { r: 1, g: 0.85, b: 0.2 } }], scene);
    const grey: SolidPaint = { type: 'SOLID', color: { r: 0.85, g: 0.85, b: 0.85 } };
    const box = { x: 120, y: 90, width: 160, height: 120 };
    const shape =
      shapeKind === 'VECTOR'
        ? figma.addNode('VECTOR', 'Pen path', box, { fills: [grey], vectorPaths: [{ windingRule: 'NONZERO', data: 'M 0 120 L 40 0 L 80 60 L 120 10 L 160 120 Z' }], parent: scene })
        : figma.addShape(shapeKind, shapeKind === 'ELLIPSE' ? 'Oval' : 'Box', box, [grey], scene);
    shape.visible = false;
    const layerPng = await scene.exportAsync({ format: 'PNG' });
    shape.visible = true;
    const shapePng = await shape.exportAsync({ format: 'PNG' });
    figma.select(shape);
    return { layer: [...layerPng], shape: [...shapePng], offset: { x: box.x, y: box.y }, shapeId: shape.id };
  }, kind);
  return {
    layer: decodePngRgba(Uint8Array.from(exported.layer)),
    shape: decodePngRgba(Uint8Array.from(exported.shape)),
    offset: exported.offset,
    shapeId: exported.shapeId,
  };
}

/** A node’s export as the emulator makes it (a hidden one as if shown), with its page box. */
async function exportOf(page: Page, name: string): Promise<{ png: Rgba; box: Rect }> {
  const { bytes, box } = await page.evaluate(async (layer) => {
    const node = (window as unknown as { emulator: Emulator }).emulator.figma.findNode((candidate) => candidate.name === layer)!;
    const visible = node.visible;
    node.visible = true;
    const png = await node.exportAsync({ format: 'PNG' });
    node.visible = visible;
    return { bytes: [...png], box: node.absoluteBoundingBox };
  }, name);
  return { png: decodePngRgba(Uint8Array.from(bytes)), box };
}

/** The pixels of the image a layer shows, as Figma holds it. */
async function imageOf(page: Page, hash: string): Promise<Rgba> {
  const bytes = await page.evaluate(async (h) => [...(await (window as unknown as { emulator: Emulator }).emulator.figma.images.get(h)!.getBytesAsync())], hash);
  return decodePngRgba(Uint8Array.from(bytes));
}

/** Whether any pixel of the shape lies within `radius` (in x and y) of a layer pixel. */
function nearShape(shape: Rgba, offset: { x: number; y: number }, x: number, y: number, radius: number): { any: boolean; all: boolean } {
  let any = false;
  let all = true;
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      const sx = x + dx - offset.x;
      const sy = y + dy - offset.y;
      const alpha = sx >= 0 && sy >= 0 && sx < shape.width && sy < shape.height ? shape.rgba[(sy * shape.width + sx) * 4 + 3] : 0;
      if (alpha > 0) any = true;
      if (alpha < 255) all = false;
    }
  }
  return { any, all };
}

/**
 * Compares a composite with the layer's export: every pixel beyond the feather from the shape must
 * be the layer's own (it throws at the first that is not); counts the pixels beyond and within.
 */
function comparedWithLayer(composite: Rgba, layer: Rgba, shape: Rgba, offset: { x: number; y: number }) {
  expect([composite.width, composite.height]).toEqual([layer.width, layer.height]);
  let outside = 0;
  let inside = 0;
  let changedInside = 0;
  for (let y = 0; y < composite.height; y++) {
    for (let x = 0; x < composite.width; x++) {
      const near = nearShape(shape, offset, x, y, FEATHER);
      const at = (y * composite.width + x) * 4;
      const same = [0, 1, 2, 3].every((c) => composite.rgba[at + c] === layer.rgba[at + c]);
      if (!near.any) {
        outside++;
        if (!same) throw new Error(`(${x}, ${y}) is beyond the feather but changed`);
      } else if (near.all) {
        inside++;
        if (!same) changedInside++;
      }
    }
  }
  return { outside, inside, changedInside };
}

describe('an edit inside a shape, in the browser against the demo upstream', { timeout: 90_000 }, () => {
  let relay: RunningRelay;
  let playground: Playground;

  beforeAll(async () => {
    relay = await startRelay({ upstream: demoUpstream(), mode: 'demo' });
    playground = await startPlayground([relay.url]);
  });

  afterAll(async () => {
    await playground.close();
    await relay.close();
  });

  it('places the composite when the plugin is closed mid-generation and opened again, from the layer and shape exported again', async () => {
    const slow = await startRelay({ upstream: demoUpstream({ delayMs: 4000 }), mode: 'demo' });
    playground.emulator.allowDevDomain(slow.url);
    try {
      const page = await openFigma(playground);
      await configureRelay(page, slow.url);
      const ui = pluginUi(page);
      // The sample card's product disc, drawn over its photo: a lone ellipse over exactly one layer.
      await page.evaluate(() => {
        const { figma } = (window as unknown as { emulator: Emulator }).emulator;
        figma.select(figma.findNode((node) => node.name === 'Product')!);
      });
      await expect.poll(() => ui.getByRole('checkbox', { name: /Edit inside the shape/ }).isChecked()).toBe(true);
      const photo = await exportOf(page, 'Photo');
      const disc = await exportOf(page, 'Product');
      await ui.getByRole('textbox', { name: 'Prompt' }).fill('A glass marble instead of the disc');
      await ui.getByRole('button', { name: 'Generate' }).click();
      const pending = () => page.evaluate(() => (((window as unknown as { emulator: Emulator }).emulator.figma.storage.get('jobs') as { pending: unknown[] } | undefined)?.pending ?? []) as { jobId?: string }[]);
      await expect.poll(async () => (await pending())[0]?.jobId, { timeout: 10_000 }).toBeTruthy();

      await page.reload();
      await expect.poll(async () => (await layers(page)).some((layer) => layer.name === 'A glass marble instead of the disc'), { timeout: 30_000 }).toBe(true);
      const result = (await layers(page)).find((layer) => layer.name === 'A glass marble instead of the disc')!;
      const composite = await imageOf(page, (result.fills as ImagePaint[])[0].imageHash!);
      const offset = { x: disc.box.x - photo.box.x, y: disc.box.y - photo.box.y };
      const changed = comparedWithLayer(composite, photo.png, disc.png, offset).changedInside;
      expect(changed).toBeGreaterThan(5000);
      expect(await pending()).toEqual([]);
    } finally {
      await slow.close();
    }
  });

  it.each<[ShapeKind]>([['RECTANGLE'], ['ELLIPSE'], ['VECTOR']])('changes only what a %s covers, the layer kept exactly beyond the feather', async (kind) => {
    const page = await openFigma(playground);
    await configureRelay(page, relay.url);
    const ui = pluginUi(page);
    const scene = await drawScene(page, kind);

    const inShape = ui.getByRole('checkbox', { name: /Edit inside the shape/ });
    await expect.poll(() => inShape.isChecked()).toBe(true);
    await expect.poll(() => inShape.locator('..').innerText()).toMatch(/on “Scene”/);
    expect(await ui.locator('.mode').innerText()).toMatch(/Edit inside the shape · the rest of “Scene” stays/);
    await ui.getByRole('button', { name: 'Done' }).click();
    // The crop is the shape's box with 40 px of context (a quarter of 160): 240×200, nearest 4:3.
    await expect.poll(() => ui.getByRole('combobox', { name: 'Size' }).inputValue()).toBe('1536x1152');
    await ui.getByRole('textbox', { name: 'Prompt' }).fill('A paper lantern where the shape is');
    if (kind === 'ELLIPSE') {
      await page.getByRole('button', { name: 'Zoom to fit' }).click();
      for (const theme of ['light', 'dark'] as const) {
        await switchTheme(page, theme);
        await screenshots(page, 'region-edit', theme);
      }
    }
    await ui.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => ui.getByRole('status').innerText(), { timeout: 30_000 }).toMatch(/Placed 480×320/);

    if (kind === 'ELLIPSE') {
      await page.getByRole('button', { name: 'Zoom to fit' }).click();
      await screenshots(page, 'region-result', 'dark');
    }
    const result = (await layers(page)).at(-1)!;
    expect(result).toMatchObject({ type: 'RECTANGLE', name: 'A paper lantern where the shape is', width: 480, height: 320 });
    expect(JSON.parse(result.pluginData.reimage)).toMatchObject({
      size: '1536x1152',
      region: { shapeId: scene.shapeId, crop: { x: 80, y: 50, width: 240, height: 200 }, layerPixels: { width: 480, height: 320 }, featherPx: FEATHER },
    });
    const hidden = await page.evaluate((id) => (window as unknown as { emulator: Emulator }).emulator.figma.findNode((node) => node.id === id)?.visible, scene.shapeId);
    expect(hidden).toBe(false);

    const composite = await imageOf(page, (result.fills as ImagePaint[])[0].imageHash!);
    const { outside, inside, changedInside } = comparedWithLayer(composite, scene.layer, scene.shape, scene.offset);
    expect(outside).toBeGreaterThan(100_000);
    expect(inside).toBeGreaterThan(5000);
    expect(changedInside / inside).toBeGreaterThan(0.95);
  });

  it('places the composite again from History, not the crop the relay holds, and says what to do once the shape is gone', async () => {
    const page = await openFigma(playground);
    await configureRelay(page, relay.url);
    const ui = pluginUi(page);
    const scene = await drawScene(page, 'ELLIPSE');
    await expect.poll(() => ui.getByRole('checkbox', { name: /Edit inside the shape/ }).isChecked()).toBe(true);
    await ui.getByRole('button', { name: 'Done' }).click();
    await ui.getByRole('textbox', { name: 'Prompt' }).fill('A kite where the shape is');
    await ui.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => ui.getByRole('status').innerText(), { timeout: 30_000 }).toMatch(/Placed 480×320/);
    const kites = async () => (await layers(page)).filter((layer) => layer.name === 'A kite where the shape is');

    await ui.getByText('History (1)').click();
    await ui.getByRole('button', { name: 'Place again' }).click();
    await expect.poll(async () => (await kites()).length, { timeout: 30_000 }).toBe(2);
    const again = (await kites()).at(-1)!;
    expect(JSON.parse(again.pluginData.reimage)).toMatchObject({ region: { shapeId: scene.shapeId, crop: { x: 80, y: 50, width: 240, height: 200 } } });
    const composite = await imageOf(page, (again.fills as ImagePaint[])[0].imageHash!);
    expect(comparedWithLayer(composite, scene.layer, scene.shape, scene.offset).changedInside).toBeGreaterThan(5000);

    await page.evaluate((id) => (window as unknown as { emulator: Emulator }).emulator.figma.findNode((node) => node.id === id)!.remove(), scene.shapeId);
    await ui.getByRole('button', { name: 'Place again' }).click();
    await expect
      .poll(() => ui.getByRole('alert').innerText(), { timeout: 30_000 })
      .toBe('Reimage couldn’t put this edit back into its layer: The layer or the shape of this edit is no longer in this file. Select the layer and a shape over it and generate again.');
    expect(await kites()).toHaveLength(2);
  });

  it('does the edit inside the shape from Quick edit too, when the selection is a layer and a shape over it', async () => {
    const page = await openFigma(playground);
    await configureRelay(page, relay.url);
    const scene = await drawScene(page, 'ELLIPSE');
    await quickEdit(page, 'A hot-air balloon where the shape is');
    expect(await endOfRun(page)).toContainEqual({ message: 'Reimage: the image is on the canvas.', error: false });
    const result = (await layers(page)).find((layer) => layer.name === 'A hot-air balloon where the shape is')!;
    expect(JSON.parse(result.pluginData.reimage)).toMatchObject({ size: '1536x1152', region: { shapeId: scene.shapeId, crop: { x: 80, y: 50, width: 240, height: 200 } } });
    const composite = await imageOf(page, (result.fills as ImagePaint[])[0].imageHash!);
    expect(comparedWithLayer(composite, scene.layer, scene.shape, scene.offset).changedInside).toBeGreaterThan(5000);
    const shapeVisible = await page.evaluate((id) => (window as unknown as { emulator: Emulator }).emulator.figma.findNode((node) => node.id === id)?.visible, scene.shapeId);
    expect(shapeVisible).toBe(false);
  });
});

describe('Cancel and Retry of an edit inside a shape, in the browser against a slow provider', { timeout: 90_000 }, () => {
  const FAILING_PROMPT = 'A comet where the shape is';
  const SLOW_PROMPT = 'A planet where the shape is';
  let stack: Stack;
  /** Lets the slow prompt's provider call answer: it waits until then, as a real call waits minutes. */
  let release: () => void = () => {};
  const failed = new Set<string>();

  beforeAll(async () => {
    stack = await startStack({
      provider: {
        gate: (call) => (call.fields.prompt[0] === SLOW_PROMPT ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve()),
        // The first call for the failing prompt is refused, as a provider error; its Retry is answered.
        respond: (call, res) => {
          const prompt = call.fields.prompt[0];
          if (prompt !== FAILING_PROMPT || failed.has(prompt)) return false;
          failed.add(prompt);
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'Invalid image.', type: 'invalid_request_error', param: 'image', code: null } }));
          return true;
        },
      },
    });
  });

  afterAll(() => stack.close());

  async function startEdit(prompt: string) {
    const page = await openFigma(stack);
    await configureRelay(page, stack.relay.url);
    const ui = pluginUi(page);
    const scene = await drawScene(page, 'ELLIPSE');
    await expect.poll(() => ui.getByRole('checkbox', { name: /Edit inside the shape/ }).isChecked()).toBe(true);
    await ui.getByRole('button', { name: 'Done' }).click();
    await ui.getByRole('textbox', { name: 'Prompt' }).fill(prompt);
    await ui.getByRole('button', { name: 'Generate' }).click();
    return { page, ui, scene };
  }

  const shapeVisible = (page: Page, id: string) =>
    page.evaluate((shapeId) => (window as unknown as { emulator: Emulator }).emulator.figma.findNode((node) => node.id === shapeId)?.visible, id);

  it('leaves the layer as it was and the shape shown when the edit is cancelled while the model works, even once the answer comes', async () => {
    const { page, ui, scene } = await startEdit(SLOW_PROMPT);
    await expect.poll(() => stack.provider.calls.some((call) => call.fields.prompt[0] === SLOW_PROMPT), { timeout: 20_000 }).toBe(true);
    await ui.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => ui.getByRole('status').innerText()).toMatch(/Cancelled/);
    release();
    // Longer than the plugin's poll of the relay: an answer that came all the same would be placed by now.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await layers(page)).map((layer) => layer.name)).not.toContain(SLOW_PROMPT);
    expect(await shapeVisible(page, scene.shapeId)).toBe(true);
    // The layer exported as it was before the edit (without the shape drawn inside it): the same pixels.
    const layerNow = await page.evaluate(async (shapeId) => {
      const { figma } = (window as unknown as { emulator: Emulator }).emulator;
      const shape = figma.findNode((node) => node.id === shapeId)!;
      shape.visible = false;
      const png = await figma.findNode((node) => node.name === 'Scene')!.exportAsync({ format: 'PNG' });
      shape.visible = true;
      return [...png];
    }, scene.shapeId);
    expect(Buffer.from(decodePngRgba(Uint8Array.from(layerNow)).rgba).equals(Buffer.from(scene.layer.rgba))).toBe(true);
    expect(await page.evaluate(() => (((window as unknown as { emulator: Emulator }).emulator.figma.storage.get('jobs') as { pending: unknown[] } | undefined)?.pending ?? []) as unknown[])).toEqual([]);
  });

  it('puts the answer of a Retry after a failure back into the layer, as the first try would have', async () => {
    const { page, ui, scene } = await startEdit(FAILING_PROMPT);
    await expect.poll(() => ui.getByRole('alert').first().innerText(), { timeout: 20_000 }).toMatch(/Invalid image/);
    expect(await shapeVisible(page, scene.shapeId)).toBe(true);
    await ui.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => ui.getByRole('status').innerText(), { timeout: 30_000 }).toMatch(/Placed 480×320/);
    const result = (await layers(page)).find((layer) => layer.name === FAILING_PROMPT)!;
    expect(JSON.parse(result.pluginData.reimage)).toMatchObject({ region: { shapeId: scene.shapeId, crop: { x: 80, y: 50, width: 240, height: 200 } } });
    const composite = await imageOf(page, (result.fills as ImagePaint[])[0].imageHash!);
    expect(comparedWithLayer(composite, scene.layer, scene.shape, scene.offset).changedInside).toBeGreaterThan(5000);
    expect(await shapeVisible(page, scene.shapeId)).toBe(false);
  });
});
