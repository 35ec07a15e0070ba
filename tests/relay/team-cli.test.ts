import { describe, expect, it } from 'vitest';
import { openTokenStore } from '../../relay/store/open-store';
import type { UsageRecord } from '../../relay/store/usage';
import { freshDatabase } from '../helpers/postgres-database';
import { runRelayCommand, temporaryDataDir } from '../helpers/relay-process';

function call(at: string, client: string, outcome: UsageRecord['outcome'], size = '1024x1024'): UsageRecord {
  return { at, client, kind: 'edit', size, references: 1, outcome, providerMs: 95_000, bytesIn: 1000, bytesOut: outcome === 'succeeded' ? 5000 : 0 };
}

/** The admin's commands as they run them: `npm run relay -- token …` and `usage`, on a data directory or on PostgreSQL. */
type Environment = () => Promise<{ RELAY_DATA_DIR: string; DATABASE_URL?: string }>;

describe.each<[string, Environment]>([
  ['a data directory', async () => ({ RELAY_DATA_DIR: temporaryDataDir() })],
  ['PostgreSQL', async () => ({ RELAY_DATA_DIR: temporaryDataDir(), DATABASE_URL: await freshDatabase() })],
])('budgets and usage from the command line, on %s', (_, environment) => {
  it('token create and token set take --monthly-images, and refuse a budget that is not one (making no token) or a name with no token', async () => {
    const env = await environment();
    const created = await runRelayCommand(['token', 'create', 'alice', '--monthly-images', '200'], env);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created the token "alice" (monthly budget: 200 images a month).');
    const bad = await runRelayCommand(['token', 'create', 'bob', '--monthly-images', 'lots'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"lots" is not a monthly budget: give a whole number of images from 0 to 1000000 (such as 200), "unlimited" for no cap, or "default"');
    expect((await runRelayCommand(['token', 'set', 'alice', '--monthly-images', '500'], env)).stdout).toContain("alice's monthly budget is now 500 images a month");
    const unknown = await runRelayCommand(['token', 'set', 'carol', '--monthly-images', '5'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('There is no token named "carol". See the names with: npm run relay -- token list');
    const list = await runRelayCommand(['token', 'list'], env);
    expect(list.stdout).toMatch(/^alice .* 500$/m);
    expect(list.stdout).not.toContain('bob');
  });

  it('usage prints a month per person with an estimate, as a table or CSV, and refuses a month or option it does not know', async () => {
    const env = await environment();
    expect((await runRelayCommand(['token', 'create', 'alice'], env)).code).toBe(0);
    const store = await openTokenStore({ dataDir: env.RELAY_DATA_DIR, databaseUrl: env.DATABASE_URL });
    for (const entry of [
      call('2026-11-30T23:59:00.000Z', 'alice', 'succeeded'),
      call('2026-12-01T08:00:00.000Z', 'alice', 'succeeded'),
      call('2026-12-02T08:00:00.000Z', 'alice', 'failed'),
      call('2026-12-03T08:00:00.000Z', 'bob', 'succeeded', '3840x2160'),
    ]) {
      await store.usage.record(entry);
    }
    await store.close();

    const table = await runRelayCommand(['usage', '--month', '2026-12'], { ...env, PRICE_PER_IMAGE: '0.2', PRICE_PER_IMAGE_4K: '0.5' });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(
      [
        'Usage in 2026-12 (UTC):',
        'name   made  failed  cancelled  provider time  est. cost',
        'alice     1       1          0     3 min 10 s       0.20',
        'bob       1       0          0     1 min 35 s       0.50',
        'total     2       1          0     4 min 45 s       0.70',
      ].join('\n'),
    );
    const csv = await runRelayCommand(['usage', '--month=2026-11', '--csv'], env);
    expect(csv.stdout.trim()).toBe(['month,name,made,failed,cancelled,provider_seconds', '2026-11,alice,1,0,0,95'].join('\n'));

    const month = await runRelayCommand(['usage', '--month', '2026-13'], env);
    expect(month.code).toBe(2);
    expect(month.stderr).toContain('"2026-13" is not a month: give it as YYYY-MM, such as 2026-12 (months are UTC).');
    const option = await runRelayCommand(['usage', '--by-week'], env);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('"--by-week" is not an option of usage.');
    const price = await runRelayCommand(['usage'], { ...env, PRICE_PER_IMAGE: 'cheap' });
    expect(price.code).toBe(2);
    expect(price.stderr).toContain('PRICE_PER_IMAGE must be a price per image such as 0.19 (a number, no currency); it is "cheap".');
  });
});
