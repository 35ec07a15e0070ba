import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ensureBuilt, projectRoot } from './ensure-built';
import { kb, type Measured, verdict } from './report';

const TARGET_GZIP_BYTES: Record<string, number> = { 'dist/ui.html': 25 * 1024, 'dist/plugin.js': 8 * 1024 };

export async function distSize(): Promise<Measured> {
  ensureBuilt();
  const rows = Object.entries(TARGET_GZIP_BYTES).map(([file, target]) => {
    const bytes = readFileSync(`${projectRoot}/${file}`);
    const gzipped = gzipSync(bytes, { level: 9 }).length;
    return [file, kb(bytes.length), kb(gzipped), `≤ ${kb(target)} gzipped`, verdict(gzipped <= target)];
  });
  return {
    method: 'The files Figma loads, as `npm run build` writes them (built first when dist/ is missing), raw and gzipped at level 9.',
    columns: ['file', 'raw', 'gzipped', 'target', 'result'],
    rows,
  };
}
