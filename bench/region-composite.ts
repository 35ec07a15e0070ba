import { fileURLToPath } from 'node:url';
import { encode } from 'fast-png';
import { build, type Rolldown } from 'vite';
import { cropBox, maskReach, type PixelBox } from '../shared/region-geometry';
import { closestSize, requestedDimensions } from '../shared/sizes';
import { launchChromium } from '../tests/e2e/harness';
import { scaleQuality } from '../ui/region-canvas';
import { summarize } from './percentiles';
import { photoLikePng } from './photo-like-png';
import { type Measured, mb, ms, verdict } from './report';

const LAYER_SIDE = 2048;
const RUNS = 7;
const TARGET_MS = 100;
const FEATHER_PX = 4;
/** A shape over most of the layer (the crop is then the whole layer: the most pixels to blend) and a small one, for scale. */
const SHAPES = [
  { label: 'ellipse 1536 px: crop 2048×2048', side: 1536, targeted: true },
  { label: 'ellipse 384 px: crop 576×576', side: 384, targeted: false },
] as const;

/** An ellipse filling a square PNG, opaque inside and transparent around it, as a shape's export is. */
function ellipsePng(side: number): Uint8Array {
  const data = new Uint8Array(side * side * 4);
  const r = side / 2;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      if (((x + 0.5 - r) / r) ** 2 + ((y + 0.5 - r) / r) ** 2 <= 1) data.set([217, 217, 217, 255], (y * side + x) * 4);
    }
  }
  return encode({ width: side, height: side, data, channels: 4, depth: 8 });
}

/** The page's script: the composite and the floor, bundled from the plugin's sources with the project's Vite. */
async function pageScript(): Promise<string> {
  const built = (await build({
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: false, lib: { entry: fileURLToPath(new URL('./region-composite-page.ts', import.meta.url)), formats: ['iife'], name: 'benchRegion' } },
  })) as Rolldown.RolldownOutput[] | Rolldown.RolldownOutput;
  return (Array.isArray(built) ? built[0] : built).output[0].code;
}

interface Case {
  layer: string;
  shape: string;
  answer: string;
  offset: { x: number; y: number };
  crop: PixelBox;
  reach: PixelBox;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** A task the browser reports only from 50 ms on (its long tasks): 0 is none that long. */
const longestTask = (taskMs: number) => (taskMs === 0 ? 'none over 50 ms' : ms(taskMs));

/**
 * What the target leaves for compressing the span pixels once the floor, the blend and the join are
 * paid, against how fast the coder ran: how far plugin code alone could take the composite.
 */
function compressionBudget(floorMs: number, steps: Record<string, number[]>, spanBytes: number): string {
  const step = (name: string) => {
    const times = steps[name];
    if (!times) throw new Error(`finishComposite reported no step "${name}": the bench's step names no longer match region-canvas.ts`);
    return summarize(times).p50;
  };
  const left = TARGET_MS - floorMs - step('blend') - step('join');
  const compress = step('compress the rows it changes');
  const rate = (milliseconds: number) => `${(spanBytes / 1e6 / (milliseconds / 1000)).toFixed(0)} MB/s`;
  if (left <= 0) return 'The floor, the blend and the join alone come to the target: even no compression would miss it. ';
  return `The floor, the blend (${ms(step('blend'))}) and the join (${ms(step('join'))}) leave ${ms(left)} under the target for compressing those pixels, ${rate(left)}, where the coder here ran at ${rate(compress)}. `;
}

export async function regionComposite(): Promise<Measured> {
  const browser = await launchChromium();
  const rows: string[][] = [];
  const notes: string[] = [];
  try {
    const page = await browser.newPage();
    await page.addScriptTag({ content: await pageScript() });
    const layer = photoLikePng(LAYER_SIDE, LAYER_SIDE, 3);
    for (const shape of SHAPES) {
      const offset = { x: (LAYER_SIDE - shape.side) / 2, y: (LAYER_SIDE - shape.side) / 2 };
      const crop = cropBox({ width: LAYER_SIDE, height: LAYER_SIDE }, { ...offset, width: shape.side, height: shape.side });
      const reach = maskReach({ ...offset, width: shape.side, height: shape.side }, crop, FEATHER_PX);
      // The model answers at the size the plugin asks for: the one whose ratio is closest to the crop's.
      const answerSize = requestedDimensions(closestSize(crop))!;
      const answer = photoLikePng(answerSize.width, answerSize.height, 5);
      const input: Case = { layer: base64(layer), shape: base64(ellipsePng(shape.side)), answer: base64(answer), offset, crop, reach };
      const measured = await page.evaluate(
        async ({ input, runs, featherPx }) => {
          // No named functions in here: the bench runs under tsx, whose helpers the page does not have.
          const { prepareComposite, finishComposite, decodeAndScale, browserPngSize, withLongTasks } = (window as unknown as { benchRegion: typeof import('./region-composite-page') }).benchRegion;
          const [layer, shape, answer] = [input.layer, input.shape, input.answer].map((text) => Uint8Array.from(atob(text), (char) => char.charCodeAt(0)));
          const pixels = { layer, shape, shapeOffset: input.offset, crop: input.crop, featherPx };
          const prepare: number[] = [];
          // Per run, the longest task the page's thread ran while preparing (0: none over 50 ms).
          const preparingBlock: number[] = [];
          const finish: number[] = [];
          const floor: number[] = [];
          const steps: Record<string, number[]> = {};
          let png: Uint8Array = new Uint8Array();
          // The pixels the composite compresses once the answer is in: each changed row's span.
          let spanPixels = 0;
          for (let i = 0; i <= runs; i++) {
            let begin = performance.now();
            const { value: prepared, longTasks } = await withLongTasks(() => prepareComposite(pixels));
            spanPixels = 0;
            for (let row = 0; row < prepared.reach.height; row++) spanPixels += prepared.changing.spans[2 * row + 1] - prepared.changing.spans[2 * row];
            const preparing = performance.now() - begin;
            begin = performance.now();
            let stepBegin = begin;
            const stepTimes: [string, number][] = [];
            png = await finishComposite(prepared, answer, (step) => {
              const now = performance.now();
              stepTimes.push([step, now - stepBegin]);
              stepBegin = now;
            });
            const finished = performance.now() - begin;
            begin = performance.now();
            await decodeAndScale(answer, input.crop, input.reach);
            // The first run warms the page's code paths and codecs up; it is not counted.
            if (i === 0) continue;
            floor.push(performance.now() - begin);
            prepare.push(preparing);
            preparingBlock.push(Math.max(0, ...longTasks));
            finish.push(finished);
            for (const [step, time] of stepTimes) (steps[step] ??= []).push(time);
          }
          return { prepare, preparingBlock, finish, floor, steps, spanPixels, pngBytes: png.length, browserPngBytes: await browserPngSize(png), layerBytes: layer.length };
        },
        { input, runs: RUNS, featherPx: FEATHER_PX },
      );
      const finish = summarize(measured.finish);
      const floor = summarize(measured.floor);
      const prepare = summarize(measured.prepare);
      const resumed = summarize(measured.prepare.map((time, i) => time + measured.finish[i]));
      rows.push([
        shape.label,
        `${answerSize.width}×${answerSize.height}`,
        String(finish.count),
        `${ms(finish.p50)} / ${ms(finish.p95)}`,
        `${ms(floor.p50)} / ${ms(floor.p95)}`,
        ms(prepare.p50),
        longestTask(summarize(measured.preparingBlock).p95),
        ms(resumed.p50),
        `${mb(measured.pngBytes)} (browser's ${mb(measured.browserPngBytes)})`,
        shape.targeted ? `≤ ${TARGET_MS} ms` : '',
        shape.targeted ? verdict(finish.p50 <= TARGET_MS) : '',
      ]);
      if (!shape.targeted) continue;
      const breakdown = Object.entries(measured.steps)
        .map(([step, times]) => `${step} ${ms(summarize(times).p50)}`)
        .join(', ');
      notes.push(`**Where the ${shape.label}'s ${ms(finish.p50)} go** (p50 of each step): ${breakdown}.`);
      if (finish.p50 > TARGET_MS) {
        notes.push(
          `**Why it misses.** ${ms(floor.p50)} of it is the floor: Chromium decoding the ${answerSize.width}×${answerSize.height} answer and scaling it (${scaleQuality(answerSize, crop) === 'low' ? 'bilinear' : 'cubic'}, as the plugin does) to the ${crop.width}×${crop.height} crop over the ${reach.width}×${reach.height} pixels the mask reaches, with no plugin code. ` +
            `${floor.p50 >= TARGET_MS ? 'The floor alone is over the target on this machine. ' : ''}` +
            `The rest is mostly compressing, in JavaScript, the span of each of the ${reach.height} rows the mask reaches that the blend can change (${mb(measured.spanPixels * 4)} of pixels; what lies left and right of the shape, and the rows it does not reach, were compressed while the model worked and are copied): Huffman codes looked up a pair of bytes at a time, then the zlib stream's Adler-32 and the chunk's CRC-32 over the result. ` +
              `${compressionBudget(floor.p50, measured.steps, measured.spanPixels * 4)}` +
              `The browser's own PNG encoder (\`convertToBlob\`) cannot compress only part of a PNG, so it would take all ${LAYER_SIDE} rows again, and under the CSP the emulator gives the panel (Figma's, as far as it is known: its script-src is not) no worker can run beside it.`,
        );
      }
    }
  } finally {
    await browser.close();
  }
  return {
    method:
      `The plugin's own composite (ui/region-canvas.ts, bundled from the sources with the project's Vite) in headless Chromium, on a ${LAYER_SIDE}×${LAYER_SIDE} photo-like layer, in its two steps. ` +
      `\`prepareComposite\` runs when the edit is sent, while the model works (60 to 200 s): it decodes the layer's and the shape's PNGs, makes the ${FEATHER_PX} px feathered mask and compresses the layer's rows the mask does not reach and, of those it reaches, what lies left and right of what the blend can change, a few milliseconds at a time (ui/time-slices.ts) so the panel still draws and takes clicks; the longest task the page's thread ran meanwhile is as the browser reports long tasks (50 ms and over). ` +
      `The composite is timed from the answer's arrival to the PNG the sandbox is handed (\`finishComposite\`): decoding the answer (at the size the plugin asks for, the one closest to the crop's ratio; the layer's rows to blend into are copied meanwhile), scaling it to the crop, the blend through the mask, compressing the rows it changes and joining the PNG. ` +
      `A resumed job (the panel closed while the model worked) exports the layer again and pays both steps. One warm-up run, then ${RUNS}. ` +
      `The floor is the browser decoding the answer and scaling it into the mask's reach (bilinear when enlarging it, cubic when shrinking it, as the plugin does), with no plugin code: the composite pays at least that once the answer is in. ` +
      `The composite's PNG is compared with the browser's own PNG (\`convertToBlob\`) of the same pixels.`,
    columns: ['shape', 'answer', 'runs', 'composite from the answer, p50 / p95', 'floor: decode + scale the answer', 'prepared while the model works, p50', 'longest task while preparing, p95', 'resumed job, p50', 'PNG', 'target', 'result'],
    rows,
    notes,
  };
}
