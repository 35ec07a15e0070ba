import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenFiles } from '../../relay/store/disk/token-files';
import { createToken } from '../../relay/tokens';
import { temporaryDataDir } from '../helpers/relay-process';
import { type RunningRelay, startRelay } from '../helpers/relay-server';
import { configureRelay, openFigma, openPluginWithRelay, pluginUi, screenshots, type Stack, startStack, switchTheme, upstreamTo } from './harness';

/** Settings checks the relay URL and token with GET /v1/me as soon as they are saved, and when the panel opens. */
describe('Settings says who the relay takes you for, or what is wrong, before any Generate', { timeout: 60_000 }, () => {
  const tokens = new TokenFiles(temporaryDataDir());
  let stack: Stack;
  let openDemoRelay: RunningRelay;

  beforeAll(async () => {
    stack = await startStack({ relay: { access: { tokens, loopback: true } } });
    openDemoRelay = await startRelay({ upstream: upstreamTo(stack.provider), mode: 'demo', access: { tokens: new TokenFiles(temporaryDataDir()), loopback: true } });
    stack.emulator.allowDevDomain(openDemoRelay.url);
  });

  afterAll(async () => {
    await openDemoRelay.close();
    await stack.close();
    await tokens.flush();
  });

  it('shows "Connected as ana" once her token is saved', async () => {
    const token = await createToken(tokens, 'ana');
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url, token);
    await ui.getByText('Connected as ana').waitFor();
    for (const theme of ['light', 'dark'] as const) {
      await switchTheme(page, theme);
      await screenshots(page, 'settings-connected', theme);
    }
  });

  it('says the token is wrong as soon as it is saved, and again, with Settings open, when the panel opens', async () => {
    await createToken(tokens, 'ben');
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url, 'rmg_mistyped');
    await ui.getByText('The relay rejected your access token').waitFor();
    expect(stack.provider.calls).toHaveLength(0);
    for (const theme of ['light', 'dark'] as const) {
      await switchTheme(page, theme);
      await screenshots(page, 'settings-rejected', theme);
    }

    await page.reload();
    const reopened = pluginUi(page);
    await reopened.getByRole('button', { name: /^Generate/ }).waitFor();
    await reopened.getByText('The relay rejected your access token').waitFor();
    expect(await reopened.getByLabel('Access token').isVisible()).toBe(true);
  });

  it('says a missing token is needed, and where to paste it', async () => {
    const { ui } = await openPluginWithRelay(stack, stack.relay.url, '');
    await ui.getByText(/The relay needs an access token: paste yours in Settings/).waitFor();
  });

  it('opens Settings from the plugin menu’s Settings command, and behind the gear otherwise', async () => {
    const token = await createToken(tokens, 'cleo');
    const { page, ui } = await openPluginWithRelay(stack, stack.relay.url, token);
    await page.reload();
    await ui.getByRole('button', { name: /^Generate/ }).waitFor();
    expect(await ui.getByRole('button', { name: 'Settings' }).getAttribute('aria-expanded')).toBe('false');
    expect(await ui.getByLabel('Relay URL').count()).toBe(0);

    await page.getByRole('combobox', { name: 'Plugin command' }).selectOption({ label: 'Settings' });
    await page.getByRole('button', { name: 'Run Reimage' }).click();
    await ui.getByText('Connected as cleo').waitFor();
    expect(await ui.getByRole('button', { name: 'Settings' }).getAttribute('aria-expanded')).toBe('true');
  });

  it('names an open demo relay on this computer, which needs no token', async () => {
    const page = await openFigma(stack);
    await configureRelay(page, openDemoRelay.url);
    await pluginUi(page).getByText('Open demo relay on this computer').waitFor();
  });
});
