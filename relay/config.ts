import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_BODY_IDLE_MS } from './body-idle';
import { type ClientLimits, DEFAULT_CLIENT_LIMITS } from './client-limits';
import { DEFAULT_JOB_TTL_HOURS } from './jobs';
import { DEFAULT_REQUEST_LIMITS, MB, type RequestLimits } from './request-limits';
import { DEFAULT_UPSTREAM_TIMEOUT_MS } from './upstream';

export interface RelayConfig {
  host: string;
  port: number;
  apiKey: string | undefined;
  baseUrl: string;
  upstreamTimeoutMs: number;
  /** Where jobs and their images are kept. */
  dataDir: string;
  databaseUrl?: string;
  jobTtlMs: number;
  limits: RequestLimits;
  clientLimits: ClientLimits;
  /** How long a stop signal waits for the images in progress before the relay exits anyway. */
  drainTimeoutMs: number;
  /** How long an upload may send nothing before it is cut with 408. */
  bodyIdleMs: number;
  /** How long the demo upstream waits before answering, so the panel can be seen waiting as it does for a real call. */
  demoDelayMs: number;
}

export class ConfigError extends Error {}

export const DEFAULT_BASE_URL = 'https://www.llmeasy.ru/v1';
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../.data', import.meta.url));
const MIN_UPSTREAM_TIMEOUT_MS = 10 * 60_000;

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; it is "${raw}".`);
  }
  return value;
}

/** Where the relay keeps its tokens and jobs: RELAY_DATA_DIR, or `.data` in the project. */
export function dataDirectory(env: NodeJS.ProcessEnv): string {
  return resolve(env.RELAY_DATA_DIR?.trim() || DEFAULT_DATA_DIR);
}

function requestLimits(env: NodeJS.ProcessEnv): RequestLimits {
  const d = DEFAULT_REQUEST_LIMITS;
  return {
    maxImages: integer(env, 'MAX_IMAGES', d.maxImages, 1, 16),
    maxImageBytes: integer(env, 'MAX_IMAGE_MB', d.maxImageBytes / MB, 1, 1024) * MB,
    maxTotalImageBytes: integer(env, 'MAX_REQUEST_MB', d.maxTotalImageBytes / MB, 1, 4096) * MB,
    maxPromptChars: integer(env, 'MAX_PROMPT_CHARS', d.maxPromptChars, 1, 1_000_000),
  };
}

function clientLimits(env: NodeJS.ProcessEnv): ClientLimits {
  return {
    maxConcurrent: integer(env, 'MAX_JOBS_PER_TOKEN', DEFAULT_CLIENT_LIMITS.maxConcurrent, 1, 1000),
    maxPerMinute: integer(env, 'MAX_JOBS_PER_MINUTE', DEFAULT_CLIENT_LIMITS.maxPerMinute, 1, 100_000),
  };
}

/** DATABASE_URL: set, the relay keeps everything in PostgreSQL, shared by its instances; unset, on disk in RELAY_DATA_DIR. */
export function databaseUrl(env: NodeJS.ProcessEnv): string | undefined {
  return env.DATABASE_URL?.trim() || undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv): RelayConfig {
  const baseUrl = env.LLMEASY_BASE_URL?.trim() || DEFAULT_BASE_URL;
  if (!/^https?:\/\//.test(baseUrl)) throw new ConfigError(`LLMEASY_BASE_URL must start with http:// or https://; it is "${baseUrl}".`);
  const upstreamTimeoutMs =
    integer(env, 'UPSTREAM_TIMEOUT_SECONDS', DEFAULT_UPSTREAM_TIMEOUT_MS / 1000, MIN_UPSTREAM_TIMEOUT_MS / 1000, 24 * 3600) * 1000;
  return {
    host: env.HOST?.trim() || '127.0.0.1',
    port: integer(env, 'PORT', 8787, 0, 65535),
    apiKey: env.LLMEASY_API_KEY?.trim() || undefined,
    baseUrl,
    upstreamTimeoutMs,
    dataDir: dataDirectory(env),
    databaseUrl: databaseUrl(env),
    jobTtlMs: integer(env, 'JOB_TTL_HOURS', DEFAULT_JOB_TTL_HOURS, 1, 24 * 365) * 3600_000,
    limits: requestLimits(env),
    clientLimits: clientLimits(env),
    // By default as long as the slowest provider call the relay waits for.
    drainTimeoutMs: integer(env, 'DRAIN_TIMEOUT_SECONDS', upstreamTimeoutMs / 1000, 0, 24 * 3600) * 1000,
    bodyIdleMs: integer(env, 'BODY_IDLE_TIMEOUT_SECONDS', DEFAULT_BODY_IDLE_MS / 1000, 1, 3600) * 1000,
    demoDelayMs: integer(env, 'DEMO_DELAY_SECONDS', 0, 0, 3600) * 1000,
  };
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
