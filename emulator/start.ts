import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { loadConfig } from '../relay/config';
import { DEFAULT_EMULATOR_PORT, startEmulator } from './serve';

/**
 * `npm start`: the relay (its own process, configured by the environment as the README says) and,
 * beside it, the Figma host emulator, so the plugin can be tried in a browser without Figma.
 */
const root = resolve(import.meta.dirname, '..');
const relay = spawn(process.execPath, ['--import', 'tsx', resolve(root, 'relay/main.ts')], { stdio: 'inherit', env: process.env });
relay.on('exit', (code) => process.exit(code ?? 1));

const port = Number(process.env.EMULATOR_PORT || DEFAULT_EMULATOR_PORT);
const emulator = await startEmulator({ port }).catch((error: Error) => {
  console.error(`Reimage playground: could not serve the emulator on port ${port} (${error.message}). Set EMULATOR_PORT to a free port.`);
  relay.kill();
  process.exit(1);
});
// Say where to go once the relay answers, so the line comes after the relay's own.
const health = `http://127.0.0.1:${loadConfig(process.env).port}/healthz`;
for (let attempt = 0; attempt < 100 && !(await fetch(health).then((r) => r.ok, () => false)); attempt++) {
  await new Promise((done) => setTimeout(done, 100));
}
console.log(`Try it without Figma: open ${emulator.url.replace('127.0.0.1', 'localhost')} (an emulated Figma canvas running the built plugin).`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    relay.kill(signal);
    void emulator.close();
  });
}
