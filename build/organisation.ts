import { posix } from 'node:path';
import { readRelayAddress } from '../shared/relay-address.ts';

/**
 * An organisation build (`RELAY_URL=https://relay.example.com npm run build`): the plugin a Figma
 * admin publishes privately to the organisation, whose default relay is the team's and whose
 * manifest lets Figma reach it. Figma's content security policy lets the plugin's UI reach only the
 * origins in manifest.json's `networkAccess.allowedDomains`, plus `devAllowedDomains` while the
 * plugin runs in development (developers.figma.com/docs/plugins/making-network-requests), and org
 * admins see that list when they review the plugin (…/plugins/updates/2023/05/10/version-1-update-66).
 */
export interface OrganisationBuild {
  /** The relay's origin: the plugin's default Relay URL, and the one origin it may reach once published. */
  relayUrl: string;
  /** The relay `npm start` runs on this computer (PORT), for the admin trying the build in development. */
  devRelayUrl: string;
  /** The id Figma assigned the plugin (PLUGIN_ID); without it the manifest keeps the repository's. */
  pluginId?: string;
}

/** The parts of manifest.json an organisation build changes. */
export interface PluginManifest {
  id: string;
  main: string;
  ui: string;
  networkAccess: { allowedDomains: string[]; devAllowedDomains?: string[]; reasoning?: string };
}

export class BuildSettingError extends Error {}

const DEFAULT_PORT = 8787;

function devPort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new BuildSettingError(`PORT must be the port of the relay npm start runs on this computer, a whole number from 1 to 65535; it is "${raw}".`);
  }
  return port;
}

/** The organisation build RELAY_URL, PORT and PLUGIN_ID ask for, or undefined (the plain build) without RELAY_URL. */
export function organisationBuild(env: NodeJS.ProcessEnv): OrganisationBuild | undefined {
  const relay = env.RELAY_URL?.trim();
  if (!relay) return undefined;
  const address = readRelayAddress(relay, { localhostAllowed: false });
  if ('problem' in address) {
    throw new BuildSettingError(`RELAY_URL must be your relay's public https address, such as https://relay.example.com: ${address.problem}.`);
  }
  const pluginId = env.PLUGIN_ID?.trim() || undefined;
  // Figma's ids are numbers written as strings ("737805260747778092", developers.figma.com/docs/plugins/manifest).
  if (pluginId !== undefined && !/^\d+$/.test(pluginId)) {
    throw new BuildSettingError(`PLUGIN_ID must be the plugin id Figma assigned, digits only (such as 1234567890123456789); it is "${pluginId}".`);
  }
  return { relayUrl: address.origin, devRelayUrl: `http://localhost:${devPort(env.PORT)}`, pluginId };
}

/**
 * The manifest written beside the built files: `main` and `ui` are relative to the manifest, so
 * dist/ alone is the plugin the admin imports and publishes, and the repository's manifest.json
 * stays as it is in git.
 */
export function organisationManifest<M extends PluginManifest>(manifest: M, build: OrganisationBuild): M {
  return {
    ...manifest,
    id: build.pluginId ?? manifest.id,
    main: posix.basename(manifest.main),
    ui: posix.basename(manifest.ui),
    networkAccess: { ...manifest.networkAccess, allowedDomains: [build.relayUrl], devAllowedDomains: [build.devRelayUrl] },
  };
}
