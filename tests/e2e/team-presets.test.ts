import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDiskStore } from '../../relay/store/disk/disk-store';
import { JobFiles } from '../../relay/store/disk/job-files';
import type { RelayStore } from '../../relay/store/store';
import { createToken } from '../../relay/tokens';
import { temporaryDataDir } from '../helpers/relay-process';
import { openPluginWithRelay, screenshots, type Stack, startStack, switchTheme } from './harness';

/** What the team admin keeps on the relay, as a designer sees it in the plugin. */
describe("the team's presets and budget in the plugin", { timeout: 60_000 }, () => {
  let store: RelayStore;
  let stack: Stack;

  beforeAll(async () => {
    const dir = temporaryDataDir();
    store = await openDiskStore({ jobs: new JobFiles(dir), tokensDir: dir, ttlMs: 3_600_000 });
    stack = await startStack({ relay: { store, access: { tokens: store.tokens, loopback: true }, monthlyImagesPerToken: 200 } });
  });

  afterAll(async () => {
    await stack.close();
    await store.close();
  });

  it('Settings says the month\'s images against the cap, and the Presets menu lists the team presets first', async () => {
    await store.presets.add({ label: 'Brand colours', prompt: 'Recolour it in our brand palette: deep blue and warm yellow.' });
    await store.usage.record({ at: new Date().toISOString(), client: 'ana', kind: 'generate', size: '1024x1024', references: 0, outcome: 'succeeded', providerMs: 60_000, bytesIn: 0, bytesOut: 1 });
    const token = await createToken(store.tokens, 'ana');
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url, token);
    await ui.getByText('Connected as ana · 1 of 200 images this month').waitFor();

    const presets = ui.getByLabel('Presets');
    await expect.poll(() => presets.locator('optgroup').first().getAttribute('label')).toBe('Team presets');
    expect(await presets.locator('optgroup[label="Team presets"] option').allTextContents()).toEqual(['Brand colours']);
    await presets.selectOption({ label: 'Brand colours' });
    expect(await ui.getByLabel('Prompt', { exact: true }).inputValue()).toBe('Recolour it in our brand palette: deep blue and warm yellow.');
    for (const theme of ['light', 'dark'] as const) {
      await switchTheme(page, theme);
      await screenshots(page, 'team-budget', theme);
    }
  });
});
