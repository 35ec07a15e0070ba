import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isRelayListening, PLAYGROUND_ENV, type RelayListening } from '../relay/playground-link';
import type { NetworkAccess } from './network-policy';
import type { PlaygroundConfig } from './playground-config';
import { DEFAULT_EMULATOR_PORT, startEmulator } from './serve';

/**
 * `npm start`: the relay (its own process, configured by the environment as the README says) and,
 * beside it, the Figma host emulator, so the plugin can be tried in a browser without Figma. The
 * relay tells this process, over an IPC channel, where it listens and this machine's token, which
 * the playground page then puts in the plugin's settings: it works with no setup, on any PORT.
 */
const root = resolve(import.meta.dirname, '..');
const relay = spawn(process.execPath, ['--import', 'tsx', resolve(root, 'relay/main.ts')], {
  stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  env: { ...process.env, [PLAYGROUND_ENV]: '1' },
});
const listening = new Promise<RelayListening | undefined>((done) => {
  relay.on('message', (message) => {
    if (isRelayListening(message)) done(message);
  });
  relay.once('exit', () => done(undefined));
});

const port = Number(process.env.EMULATOR_PORT || DEFAULT_EMULATOR_PORT);
const playground = async (): Promise<PlaygroundConfig | undefined> => {
  const link = await listening;
  return link && { relayUrl: link.url, ...(link.accessToken ? { accessToken: link.accessToken } : {}) };
};
const emulator = await startEmulator({ port, playground }).catch((error: Error) => {
  console.error(`Reimage playground: could not serve the emulator on port ${port} (${error.message}). Set EMULATOR_PORT to a free port.`);
  relay.kill();
  process.exit(1);
});
const pageUrl = emulator.url.replace('127.0.0.1', 'localhost');

// A relay that never started has said why; without it the playground has nothing to show.
const link = await listening;
if (!link) process.exit(relay.exitCode ?? 1);
// The playground lets its plugin reach the relay it started, as a developer lists a dev port in
// devAllowedDomains; real Figma reads manifest.json, so say when that origin is missing there.
emulator.allowDevDomain(link.url);
const { networkAccess } = JSON.parse(readFileSync(resolve(root, 'manifest.json'), 'utf8')) as { networkAccess?: NetworkAccess };
if (![...(networkAccess?.allowedDomains ?? []), ...(networkAccess?.devAllowedDomains ?? [])].includes(link.url)) {
  console.log(`Reimage playground: in Figma desktop the plugin can reach ${link.url} only once manifest.json's networkAccess.devAllowedDomains lists it.`);
}
console.log(`Try it without Figma: open ${pageUrl} (an emulated Figma canvas running the built plugin, talking to the relay at ${link.url}).`);

let stopping = false;
// The page stays up when the relay stops, so the designer sees the panel say the relay is down.
relay.once('exit', (code, signal) => {
  if (stopping) return;
  console.log(
    `Reimage playground: the relay stopped (${signal ?? `exit code ${code}`}). The playground stays open at ${pageUrl}; ` +
      'start the relay again with `npm run relay` (same PORT), or stop the playground with Ctrl+C.',
  );
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopping = true;
    relay.kill(signal);
    void emulator.close();
  });
}
