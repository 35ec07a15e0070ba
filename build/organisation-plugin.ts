import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Plugin } from 'vite';
import { type OrganisationBuild, organisationManifest, type PluginManifest } from './organisation.ts';

const MANIFEST = resolve(import.meta.dirname, '../manifest.json');

/**
 * What an organisation build changes in Vite's two builds: the sandbox's default relay
 * (plugin/settings.ts reads REIMAGE_RELAY_URL), the manifest the UI checks its relay against
 * (ui/network-access.ts imports manifest.json) and the manifest.json written beside the built files.
 * A plain build removes a manifest an earlier organisation build left there, so dist/ never pairs
 * one build's manifest with another's code.
 */
export function organisationFiles(build: OrganisationBuild | undefined): Plugin {
  const manifest = () => organisationManifest(JSON.parse(readFileSync(MANIFEST, 'utf8')) as PluginManifest, build!);
  return {
    name: 'reimage-organisation-build',
    config: () => (build ? { define: { REIMAGE_RELAY_URL: JSON.stringify(build.relayUrl) } } : {}),
    load: (id) => (build && id === MANIFEST ? JSON.stringify(manifest()) : null),
    async writeBundle({ dir }) {
      const target = join(dir!, 'manifest.json');
      if (build) await writeFile(target, `${JSON.stringify(manifest(), null, 2)}\n`);
      else await rm(target, { force: true });
    },
  };
}
