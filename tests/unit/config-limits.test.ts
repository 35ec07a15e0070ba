import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../relay/config';

describe('limits from the environment', () => {
  it('defaults to 16 images, 50 MB each, 64 MB in all, 32,000 characters, 4 at once and 30 a minute', () => {
    const config = loadConfig({});
    expect(config.limits).toEqual({ maxImages: 16, maxImageBytes: 50 * 1024 * 1024, maxTotalImageBytes: 64 * 1024 * 1024, maxPromptChars: 32_000 });
    expect(config.clientLimits).toEqual({ maxConcurrent: 4, maxPerMinute: 30 });
  });

  it('takes each limit from its variable', () => {
    const config = loadConfig({ MAX_IMAGES: '4', MAX_IMAGE_MB: '10', MAX_REQUEST_MB: '20', MAX_PROMPT_CHARS: '1000', MAX_JOBS_PER_TOKEN: '2', MAX_JOBS_PER_MINUTE: '10' });
    expect(config.limits).toEqual({ maxImages: 4, maxImageBytes: 10 * 1024 * 1024, maxTotalImageBytes: 20 * 1024 * 1024, maxPromptChars: 1000 });
    expect(config.clientLimits).toEqual({ maxConcurrent: 2, maxPerMinute: 10 });
  });

  it('says what is wrong with a limit that is not a whole number in range', () => {
    expect(() => loadConfig({ MAX_IMAGES: '40' })).toThrow(new ConfigError('MAX_IMAGES must be a whole number from 1 to 16; it is "40".'));
  });
});

describe('stopping and stalled uploads from the environment', () => {
  it('drains for as long as the upstream timeout and cuts an upload idle for 30 s by default', () => {
    expect(loadConfig({})).toMatchObject({ drainTimeoutMs: 900_000, bodyIdleMs: 30_000 });
    expect(loadConfig({ UPSTREAM_TIMEOUT_SECONDS: '1200' }).drainTimeoutMs).toBe(1_200_000);
  });

  it('takes DRAIN_TIMEOUT_SECONDS and BODY_IDLE_TIMEOUT_SECONDS, and says what is wrong with a bad one', () => {
    expect(loadConfig({ DRAIN_TIMEOUT_SECONDS: '60', BODY_IDLE_TIMEOUT_SECONDS: '5' })).toMatchObject({ drainTimeoutMs: 60_000, bodyIdleMs: 5000 });
    expect(() => loadConfig({ BODY_IDLE_TIMEOUT_SECONDS: '0' })).toThrow(new ConfigError('BODY_IDLE_TIMEOUT_SECONDS must be a whole number from 1 to 3600; it is "0".'));
  });
});
