import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'vite';
import { ensureBuilt, projectRoot } from './ensure-built';
import { kb, type Measured, verdict } from './report';

/** The targets issue 6 set: what Figma loads each time the plugin opens. */
const TARGET_GZIP_BYTES = { 'dist/ui.html': 25 * 1024, 'dist/plugin.js': 8 * 1024 } as const;
const MODES: Record<keyof typeof TARGET_GZIP_BYTES, string> = { 'dist/ui.html': 'ui', 'dist/plugin.js': 'plugin' };
const LARGEST_SHOWN = 5;

/** Each source module's length in a build of the project's own Vite config (before minification), largest first. */
async function modulesOf(mode: string): Promise<[string, number][]> {
  const lengths = new Map<string, number>();
  const capture: Plugin = {
    name: 'bench-module-lengths',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type === 'chunk') for (const [id, module] of Object.entries(file.modules)) lengths.set(relative(projectRoot, id), module.renderedLength);
      }
    },
  };
  await build({ configFile: `${projectRoot}/vite.config.ts`, mode, logLevel: 'silent', build: { write: false }, plugins: [capture] });
  return [...lengths].sort(([, a], [, b]) => b - a);
}

/** Where a missed file's bytes come from: the libraries it bundles and its largest modules, as shares of its code. */
function missNote(file: string, gzipped: number, target: number, modules: [string, number][]): string {
  const total = modules.reduce((sum, [, length]) => sum + length, 0);
  const share = (length: number) => `${((length / total) * 100).toFixed(0)}%`;
  const libraries = modules.filter(([id]) => id.startsWith('node_modules/'));
  const libraryLength = libraries.reduce((sum, [, length]) => sum + length, 0);
  const own = modules.filter(([id]) => !id.startsWith('node_modules/'));
  const largest = own.slice(0, LARGEST_SHOWN).map(([id, length]) => `${id} ${share(length)}`).join(', ');
  const libraryPart = libraries.length > 0 ? `${share(libraryLength)} of its code (before minification) is libraries (${[...new Set(libraries.map(([id]) => id.split('/')[1]))].join(', ')}), about ${kb((gzipped * libraryLength) / total)} of the gzipped size in proportion; the rest` : 'All of it';
  return (
    `**Why ${file} misses.** ${kb(gzipped)} gzipped, ${kb(gzipped - target)} over. ${libraryPart} is the plugin's own code in ${own.length} modules, ` +
    `the largest ${largest}. The bundler drops what nothing uses and the build is minified for the JavaScript Figma runs, so what is over the target is the features' own code: it takes making those modules smaller, or fewer features.`
  );
}

export async function distSize(): Promise<Measured> {
  ensureBuilt();
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const [file, target] of Object.entries(TARGET_GZIP_BYTES) as [keyof typeof TARGET_GZIP_BYTES, number][]) {
    const bytes = readFileSync(`${projectRoot}/${file}`);
    const gzipped = gzipSync(bytes, { level: 9 }).length;
    rows.push([file, kb(bytes.length), kb(gzipped), `≤ ${kb(target)} gzipped`, verdict(gzipped <= target)]);
    if (gzipped > target) notes.push(missNote(file, gzipped, target, await modulesOf(MODES[file])));
  }
  return {
    method: 'The files Figma loads, as `npm run build` writes them (built first when dist/ is missing), raw and gzipped at level 9.',
    columns: ['file', 'raw', 'gzipped', 'target', 'result'],
    rows,
    notes,
  };
}
