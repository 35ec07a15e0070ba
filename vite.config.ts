import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';

const root = import.meta.dirname;

// `--mode ui` builds the iframe into one self-contained dist/ui.html;
// `--mode plugin` builds the sandbox code into the plain script dist/plugin.js.
export default defineConfig(({ mode }) =>
  mode === 'plugin'
    ? {
        build: {
          outDir: resolve(root, 'dist'),
          emptyOutDir: false,
          target: 'es2017',
          lib: { entry: resolve(root, 'plugin/main.ts'), formats: ['iife'], name: 'reimage', fileName: () => 'plugin.js' },
        },
      }
    : {
        root: resolve(root, 'ui'),
        plugins: [viteSingleFile()],
        build: {
          outDir: resolve(root, 'dist'),
          emptyOutDir: false,
          target: 'es2020',
          rollupOptions: { input: resolve(root, 'ui/ui.html') },
        },
      },
);
