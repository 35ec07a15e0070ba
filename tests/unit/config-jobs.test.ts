import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../relay/config';

describe('job storage from the environment', () => {
  it('keeps jobs 24 hours in .data in the project by default', () => {
    const config = loadConfig({});
    expect(config.dataDir).toBe(fileURLToPath(new URL('../../.data', import.meta.url)));
    expect(config.jobTtlMs).toBe(24 * 3600_000);
  });

  it('takes the folder from RELAY_DATA_DIR, relative to where the relay starts', () => {
    expect(loadConfig({ RELAY_DATA_DIR: '/srv/reimage' }).dataDir).toBe('/srv/reimage');
    expect(loadConfig({ RELAY_DATA_DIR: 'relay-data' }).dataDir).toBe(resolve('relay-data'));
  });

  it('takes the time to live from JOB_TTL_HOURS and says what is wrong with a bad one', () => {
    expect(loadConfig({ JOB_TTL_HOURS: '72' }).jobTtlMs).toBe(72 * 3600_000);
    expect(() => loadConfig({ JOB_TTL_HOURS: '0' })).toThrow(new ConfigError('JOB_TTL_HOURS must be a whole number from 1 to 8760; it is "0".'));
  });
});
