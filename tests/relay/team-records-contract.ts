import { describe, expect, it } from 'vitest';
import type { TeamRecords } from '../../relay/store/team';
import type { UsageRecord } from '../../relay/store/usage';

/** Two handles on the same data: what the relay and the `token` command (or another instance) each hold. */
export interface TeamRecordsFixture {
  first: TeamRecords;
  second: TeamRecords;
}

function call(at: string, client: string, outcome: UsageRecord['outcome'], extra: Partial<UsageRecord> = {}): UsageRecord {
  return { at, client, kind: 'edit', size: '1024x1024', references: 2, outcome, providerMs: 61_234, bytesIn: 123_456, bytesOut: outcome === 'succeeded' ? 2_345_678 : 0, ...extra };
}

/** The behaviour both stores give the usage ledger, the budgets and the team presets. */
export function teamRecordsContract(name: string, open: () => Promise<TeamRecordsFixture>): void {
  describe(`${name}: the usage ledger`, () => {
    it('keeps every field of each provider call and lists a month oldest first, seen through another handle', async () => {
      const { first, second } = await open();
      const november = call('2026-11-30T23:59:59.000Z', 'alice', 'succeeded');
      const early = call('2026-12-01T00:00:00.000Z', 'bob', 'failed', { kind: 'generate', size: '3840x2160', references: 0, bytesIn: 0 });
      const later = call('2026-12-15T10:00:00.000Z', 'alice', 'cancelled', { providerMs: 5 });
      for (const entry of [november, later, early].sort((a, b) => a.at.localeCompare(b.at))) await first.usage.record(entry);
      expect(await second.usage.between(new Date('2026-12-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'))).toEqual([early, later]);
      expect(await second.usage.between(new Date('2026-11-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z'))).toEqual([november]);
    });

    it('counts the images one person made since a time: succeeded calls only', async () => {
      const { first, second } = await open();
      await first.usage.record(call('2026-12-01T08:00:00.000Z', 'alice', 'succeeded'));
      await first.usage.record(call('2026-12-02T08:00:00.000Z', 'alice', 'succeeded'));
      await first.usage.record(call('2026-12-02T09:00:00.000Z', 'alice', 'failed'));
      await first.usage.record(call('2026-12-02T09:30:00.000Z', 'alice', 'cancelled'));
      await first.usage.record(call('2026-12-02T10:00:00.000Z', 'bob', 'succeeded'));
      expect(await second.usage.madeSince('alice', new Date('2026-12-01T00:00:00Z'))).toBe(2);
      expect(await second.usage.madeSince('alice', new Date('2026-12-02T00:00:00Z'))).toBe(1);
      expect(await second.usage.madeSince('carol', new Date('2026-12-01T00:00:00Z'))).toBe(0);
    });
  });

  describe(`${name}: budgets`, () => {
    it('keeps a cap per person, unlimited too, and removing one brings back the default; another handle sees each change at once', async () => {
      const { first, second } = await open();
      expect(await second.budgets.get('alice')).toBeUndefined();
      await first.budgets.set('alice', 200);
      await first.budgets.set('bob', 'unlimited');
      expect(await second.budgets.get('alice')).toBe(200);
      await second.budgets.set('alice', 500);
      expect(await first.budgets.get('alice')).toBe(500);
      expect(await first.budgets.all()).toEqual(new Map<string, number | 'unlimited'>([['alice', 500], ['bob', 'unlimited']]));
      await first.budgets.set('bob', undefined);
      expect(await second.budgets.get('bob')).toBeUndefined();
      expect([...(await second.budgets.all()).keys()]).toEqual(['alice']);
    });
  });

  describe(`${name}: team presets`, () => {
    it('lists presets in the order they were added, removes one by id, and says when there was none', async () => {
      const { first, second } = await open();
      const brand = await first.presets.add({ label: 'Brand colours', prompt: 'Recolour it in our brand palette: #0B5FFF, #FFB800.' });
      const icon = await first.presets.add({ label: 'App icon', prompt: 'Make it a rounded app icon.' });
      expect(brand.id).not.toBe(icon.id);
      expect(await second.presets.list()).toEqual([brand, icon]);
      expect(await second.presets.remove(brand.id)).toBe(true);
      expect(await first.presets.remove(brand.id)).toBe(false);
      expect(await first.presets.list()).toEqual([icon]);
    });
  });
}
