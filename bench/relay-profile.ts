import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeEditRequest } from './bench-request';
import { relaySync } from './clients';
import { type CpuProfile, hotFunctions } from './cpu-profile';
import { imageAnswer, startFixedDelayProvider } from './fixed-delay-provider';
import { runLoad } from './load';
import { noisePng } from './noise-png';
import { benchRelayEnv } from './relay-env';
import { startRelayProcess } from './relay-process';
import { ms, type Section } from './report';

const REQUESTS = 20;
const SHOWN = 12;

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** Where the relay spends its CPU on the overhead run's request, from a V8 CPU profile of the relay process. */
export async function relayProfile(): Promise<Section> {
  const edit = await encodeEditRequest(3, 1.5e6);
  const provider = await startFixedDelayProvider({ delayMs: 250, answer: imageAnswer(noisePng(3e6, 99)) });
  const relayEnv = benchRelayEnv(provider.baseUrl);
  const profileDir = mkdtempSync(join(tmpdir(), 'reimage-bench-profile-'));
  const relay = await startRelayProcess(relayEnv.env, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
  let from = 0;
  let to = 0;
  try {
    const send = relaySync(relay.url, edit);
    await runLoad({ concurrency: 1, requests: 3, spreadMs: 0, send });
    from = nowUs();
    await runLoad({ concurrency: 1, requests: REQUESTS, spreadMs: 0, send });
    to = nowUs();
  } finally {
    await relay.stop();
    await provider.close();
    relayEnv.cleanUp();
  }
  // The main thread's profile is the first one written.
  const [file] = readdirSync(profileDir).sort();
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile;
  rmSync(profileDir, { recursive: true, force: true });
  const { busyMs, top } = hotFunctions(profile, from, to, SHOWN);
  return {
    title: "Where the relay's time goes",
    method:
      `A V8 CPU profile (\`node --cpu-prof\`) of the relay process over ${REQUESTS} synchronous requests of the overhead run, one at a time. ` +
      `The relay was busy ${ms(busyMs / REQUESTS)} of CPU per request; the ${SHOWN} functions with the most self time:`,
    columns: ['function', 'self time per request', 'share of busy time'],
    rows: top.map((f) => [`\`${f.name}\``, ms(f.ms / REQUESTS), `${((f.ms / busyMs) * 100).toFixed(0)}%`]),
  };
}
