import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';
import { organisationBuild } from './build/organisation.ts';
import { organisationFiles } from './build/organisation-plugin.ts';

const root = import.meta.dirname;
// RELAY_URL makes an organisation build (build/organisation.ts); a bad one stops the build here, before anything is written.
const organisation = organisationBuild(process.env);

// `--mode ui` builds the iframe into one self-contained dist/ui.html;
// `--mode plugin` builds the sandbox code into the plain script dist/plugin.js.
export default defineConfig(({ mode }) =>
  mode === 'plugin'
    ? {
        plugins: [organisationFiles(organisation)],
        build: {
          outDir: resolve(root, 'dist'),
          emptyOutDir: false,
          // Figma's sandbox runs ES2020 and later (optional chaining, ??, ...: "How Plugins Run" in
          // the plugin docs); down-levelling them to ES2017 cost 0.5 KB gzipped.
          target: 'es2020',
          lib: { entry: resolve(root, 'plugin/main.ts'), formats: ['iife'], name: 'reimage', fileName: () => 'plugin.js' },
        },
      }
    : {
        root: resolve(root, 'ui'),
        plugins: [viteSingleFile(), organisationFiles(organisation)],
        build: {
          outDir: resolve(root, 'dist'),
          emptyOutDir: false,
          target: 'es2020',
          rollupOptions: { input: resolve(root, 'ui/ui.html') },
        },
      },
);
