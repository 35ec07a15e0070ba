import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { createRelayApp, type LogLine } from './app';
import { ConfigError, databaseUrl, dataDirectory, isLoopback, loadConfig } from './config';
import { demoUpstream } from './demo-upstream';
import { StoreOpenError } from './errors';
import { JobManager } from './jobs';
import { gentleClose } from './server-close';
import { SAME_SIGNAL_MS, stopSignals } from './stop-signals';
import { connectionCode } from '../shared/connection-code';
import { localToken, localTokenPath, machineUser } from './local-token';
import { localRelayUrl, tellPlayground } from './playground-link';
import { openStore, openTokenStore } from './store/open-store';
import { imagePrices } from './image-prices';
import { databaseAddress } from './store/postgres/database-url';
import { teamConfig } from './team-config';
import { runTokenCommand } from './token-cli';
import { runUsageCommand } from './usage-cli';
import { liveUpstream } from './upstream';

const CLEANUP_INTERVAL_MS = 10 * 60_000;
/** Jobs of an instance that died are failed within a minute: its lease runs 30 s, this looks every 10 s. */
const SWEEP_INTERVAL_MS = 10_000;
/** Once the images are done, how long answers still going out (a download to a slow client) may take. */
const LAST_ANSWERS_MS = 30_000;

function fail(message: string): never {
  console.error(`Reimage relay: ${message}`);
  process.exit(1);
}

/** A store that cannot open says what to fix, and the relay does not start. */
function openFailed(error: Error): never {
  if (error instanceof StoreOpenError) fail(error.message);
  throw error;
}

if (process.argv[2] === 'token') {
  const handle = await openTokenStore({ dataDir: dataDirectory(process.env), databaseUrl: databaseUrl(process.env) }).catch(openFailed);
  const code = await runTokenCommand(process.argv.slice(3), handle, (text) => console.log(text), (text) => console.error(text));
  await handle.close();
  process.exit(code);
}

if (process.argv[2] === 'usage') {
  const handle = await openTokenStore({ dataDir: dataDirectory(process.env), databaseUrl: databaseUrl(process.env) }).catch(openFailed);
  const code = await runUsageCommand(process.argv.slice(3), handle, () => imagePrices(process.env), Date.now(), (text) => console.log(text), (text) => console.error(text));
  await handle.close();
  process.exit(code);
}

let config;
let team;
try {
  config = loadConfig(process.env);
  team = teamConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}

const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, ttlMs: config.jobTtlMs }).catch(openFailed);
/** Where the jobs and tokens are, as the log says it (a database without its password). */
const storePlace = config.databaseUrl ? `the PostgreSQL database ${databaseAddress(config.databaseUrl).where}` : config.dataDir;
const { tokens } = store;
const loopback = isLoopback(config.host);
if (!loopback && !(await tokens.hasAny())) {
  fail(
    `refusing to listen on ${config.host}: a relay reachable from other machines needs access tokens, and ${storePlace} holds none. ` +
      'Create one per person with `npm run relay -- token create <name>` and start again, or listen on 127.0.0.1 only (HOST=127.0.0.1).',
  );
}

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const mode = config.apiKey ? 'live' : 'demo';
// A live relay spends the key, so even on loopback it serves no request without a token.
let local;
try {
  local = await localToken(tokens, config.dataDir, { create: mode === 'live', username: machineUser() });
} catch (error) {
  fail(`cannot keep access tokens in the data directory ${config.dataDir} (${(error as Error).message}). Set RELAY_DATA_DIR to a writable folder.`);
}
const upstream = config.apiKey
  ? liveUpstream({ baseUrl: config.baseUrl, apiKey: config.apiKey, timeoutMs: config.upstreamTimeoutMs })
  : demoUpstream({ delayMs: config.demoDelayMs });
const log = (line: LogLine) => console.log(JSON.stringify(line));
const jobs = await JobManager.open({ upstream, store, ttlMs: config.jobTtlMs, clientLimits: config.clientLimits, monthlyImagesPerToken: team.monthlyImagesPerToken, log }).catch(openFailed);
if (jobs.interrupted > 0) {
  console.log(`${jobs.interrupted} job(s) were unfinished when the relay last stopped; they are now marked failed and their clients told to generate again.`);
}
setInterval(() => {
  jobs.cleanup().catch((error: Error) => log({ time: new Date().toISOString(), level: 'error', message: `Job cleanup failed: ${error.message}` }));
}, CLEANUP_INTERVAL_MS).unref();
setInterval(() => {
  jobs.sweep().catch((error: Error) => log({ time: new Date().toISOString(), level: 'error', message: `Failing abandoned jobs failed: ${error.message}` }));
}, SWEEP_INTERVAL_MS).unref();
const hasTokens = await tokens.hasAny();
const admin = team.adminToken && { adminToken: team.adminToken, store, monthlyImagesPerToken: team.monthlyImagesPerToken, publicOrigin: team.publicOrigin, prices: team.prices, maxPromptChars: config.limits.maxPromptChars };
const app = createRelayApp({
  jobs,
  mode,
  version,
  log,
  limits: config.limits,
  access: { tokens, loopback },
  bodyIdleMs: config.bodyIdleMs,
  records: store,
  monthlyImagesPerToken: team.monthlyImagesPerToken,
  ...(admin ? { admin } : {}),
});

const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
  const url = `http://${config.host}:${info.port}`;
  console.log(`Reimage relay ${version} listening on ${url} (${mode} mode); jobs kept ${config.jobTtlMs / 3600_000} h in ${storePlace}`);
  if (mode === 'demo') {
    console.log(
      '*** DEMO MODE: LLMEASY_API_KEY is not set, so edits are deterministic transforms of your first reference and generations a DEMO picture, made without AI. ' +
        'Set LLMEASY_API_KEY and restart for real gpt-image-2 images. ***',
    );
  } else {
    console.log(`Forwarding edits to ${config.baseUrl}/images/edits`);
  }
  if (local?.created) {
    console.log(
      `Access: a live relay needs an access token, even on this machine. Made the token "${local.name}" for you; its connection code (this relay's address, # and the token):\n\n` +
        `    ${connectionCode(team.publicOrigin ?? localRelayUrl(config.host, info.port), local.token)}\n\n` +
        'Paste it in Figma: Reimage → Settings → Connection code (or the part after the # in Access token). The playground (npm start) uses it by itself: the relay keeps it for that in ' +
        `${localTokenPath(config.dataDir)}, readable only by you. Make one per person with \`npm run relay -- token create <name>\`; stop this one with \`npm run relay -- token revoke ${local.name}\`.`,
    );
  } else {
    console.log(
      hasTokens
        ? 'Access: each request needs one of the tokens made with `npm run relay -- token create <name>`.'
        : 'Access: open to this machine, as a demo relay spends nothing (no tokens yet; create them with `npm run relay -- token create <name>`).',
    );
  }
  console.log('In Figma desktop: Plugins → Development → Import plugin from manifest… and choose manifest.json in this folder.');
  if (admin) console.log(`Admin page: ${team.publicOrigin ?? url}/admin (sign in with ADMIN_TOKEN).`);
  tellPlayground({ type: 'relay-listening', url: localRelayUrl(config.host, info.port), accessToken: local?.token });
});
// Generations take minutes: keep Node from cutting the synchronous request at its 300 s default.
server.setTimeout(0);
(server as import('node:http').Server).requestTimeout = config.upstreamTimeoutMs + 60_000;
(server as import('node:http').Server).headersTimeout = 60_000;
// A connection kept alive is closed by the proxy in front, not by the relay first: nginx keeps idle
// upstream connections 60 s, and one the relay closed at Node's default 5 s, as nginx sends on it,
// fails that designer's request (clients on the machine itself, told the timeout, close theirs before).
(server as import('node:http').Server).keepAliveTimeout = 65_000;

const closeServer = gentleClose(server as import('node:http').Server);
const { drainTimeoutMs } = config;
const drainSeconds = drainTimeoutMs / 1000;

/** Finishes what clients are waiting for (their images on disk), answering polls and downloads meanwhile, then exits. */
async function drainAndExit(): Promise<never> {
  const inProgress = jobs.inFlight;
  console.log(
    `Reimage relay: stopping. New images are refused; ${inProgress === 1 ? 'the 1 image in progress is' : `the ${inProgress} images in progress are`} finished first, ` +
      `for up to ${drainSeconds} s (DRAIN_TIMEOUT_SECONDS). Send the signal again (Ctrl-C) after ${SAME_SIGNAL_MS / 1000} s to stop at once.`,
  );
  const deadline = Date.now() + drainTimeoutMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const drained = await Promise.race([jobs.drain().then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), drainTimeoutMs)))]);
  clearTimeout(timer);
  if (!drained) {
    console.log(`Reimage relay: ${jobs.inFlight} image(s) were not finished within ${drainSeconds} s; after the restart their clients are told to generate again.`);
  }
  await closeServer(drained ? Math.min(LAST_ANSWERS_MS, deadline - Date.now()) : 0);
  await store.close();
  process.exit(drained ? 0 : 1);
}

const stopRequest = stopSignals();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    const request = stopRequest();
    if (request === 'drain') void drainAndExit();
    if (request === 'now') {
      console.log('Reimage relay: stopping at once. Images still in progress are lost; after the restart their clients are told to generate again.');
      void store.close().finally(() => process.exit(1));
    }
  });
}
