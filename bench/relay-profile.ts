import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeEditRequest } from './bench-request';
import { withBenchRelay } from './bench-relay';
import { relaySync } from './clients';
import { type CpuProfile, hotFunctions } from './cpu-profile';
import { imageAnswer } from './fixed-delay-provider';
import { runLoad } from './load';
import { noisePngOfAbout } from '../tests/fakes/noise-png';
import { ms, type Measured } from './report';

const REQUESTS = 20;
const SHOWN = 12;

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** Where the relay spends its CPU on the overhead run's request, from a V8 CPU profile of the relay process. */
export async function relayProfile(): Promise<Measured> {
  const edit = await encodeEditRequest(3, 1.5e6);
  const profileDir = mkdtempSync(join(tmpdir(), 'reimage-bench-profile-'));
  try {
    const window = await withBenchRelay(
      { delayMs: 250, answer: imageAnswer(noisePngOfAbout(3e6, 99)) },
      async (relay) => {
        const send = relaySync(relay, edit);
        await runLoad({ concurrency: 1, requests: 3, spreadMs: 0, send });
        const from = nowUs();
        await runLoad({ concurrency: 1, requests: REQUESTS, spreadMs: 0, send });
        return { from, to: nowUs() };
      },
      { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] },
    );
    // The main thread's profile is the first one written.
    const [file] = readdirSync(profileDir).sort();
    const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile;
    const { busyMs, top } = hotFunctions(profile, window.from, window.to, SHOWN);
    return {
      method:
        `A V8 CPU profile (\`node --cpu-prof\`) of the relay process over ${REQUESTS} synchronous requests of the overhead run, one at a time. ` +
        `The relay was busy ${ms(busyMs / REQUESTS)} of CPU per request; the ${SHOWN} functions with the most self time:`,
      columns: ['function', 'self time per request', 'share of busy time'],
      rows: top.map((f) => [`\`${f.name}\``, ms(f.ms / REQUESTS), `${((f.ms / busyMs) * 100).toFixed(0)}%`]),
    };
  } finally {
    rmSync(profileDir, { recursive: true, force: true });
  }
}
