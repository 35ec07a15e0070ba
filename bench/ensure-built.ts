import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));
export const BUILT_FILES = ['dist/ui.html', 'dist/plugin.js'] as const;

/** Builds the plugin when dist/ lacks a file, so the bench works on a fresh clone. */
export function ensureBuilt(): void {
  if (BUILT_FILES.every((file) => existsSync(`${projectRoot}/${file}`))) return;
  console.log('dist/ is missing: running npm run build');
  const build = spawnSync('npm', ['run', 'build'], { cwd: projectRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed; the bench needs dist/ui.html and dist/plugin.js.');
}
