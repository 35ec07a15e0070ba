import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenFiles } from '../../relay/store/disk/token-files';
import { createToken } from '../../relay/tokens';
import { connectionCode } from '../../shared/connection-code';
import { temporaryDataDir } from '../helpers/relay-process';
import { openFigma, openSettings, pluginUi, screenshots, type Stack, startStack, switchTheme } from './harness';

type Emulator = { figma: { storage: Map<string, unknown> } };

function storedSettings(page: Page): Promise<unknown> {
  return page.evaluate(() => (window as unknown as { emulator: Emulator }).emulator.figma.storage.get('settings'));
}

/** Pastes `text` into a field as a designer does, from the clipboard with Ctrl+V, so the panel sees a real paste. */
async function paste(page: Page, label: string, text: string): Promise<void> {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.evaluate((value) => navigator.clipboard.writeText(value), text);
  const field = pluginUi(page).getByLabel(label, { exact: true });
  await field.fill('');
  await field.focus();
  await page.keyboard.press('ControlOrMeta+V');
}

/** One-paste onboarding: the code `token create` prints fills Relay URL and Access token together. */
describe('a connection code pasted into Settings', { timeout: 60_000 }, () => {
  const tokens = new TokenFiles(temporaryDataDir());
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ relay: { access: { tokens, loopback: true } } });
  });

  afterAll(async () => {
    await stack.close();
    await tokens.flush();
  });

  /** A new designer's first run: a token made for them, the panel open on a fresh profile, Settings open. */
  async function newDesigner(name: string) {
    const token = await createToken(tokens, name);
    const page = await openFigma(stack);
    const ui = pluginUi(page);
    await openSettings(ui);
    return { token, code: connectionCode(stack.relay.url, token), page, ui };
  }

  /** What the designer sees and Figma keeps once a code has filled both fields. */
  async function expectFilled(page: Page, token: string, name: string): Promise<void> {
    const ui = pluginUi(page);
    await ui.getByText('Filled in the Relay URL and Access token from your connection code.').waitFor();
    expect(await ui.getByLabel('Relay URL').inputValue()).toBe(stack.relay.url);
    expect(await ui.getByLabel('Access token').inputValue()).toBe(token);
    await ui.getByText(`Connected as ${name}`).waitFor();
    await expect.poll(() => storedSettings(page)).toMatchObject({ relayUrl: stack.relay.url, accessToken: token });
  }

  it('fills in the Relay URL and the token together, says so, and the relay knows who it is', async () => {
    const { token, code, page, ui } = await newDesigner('dana');

    await paste(page, 'Connection code', code);
    await expectFilled(page, token, 'dana');
    expect(await ui.getByLabel('Connection code').inputValue()).toBe('');
    for (const theme of ['light', 'dark'] as const) {
      await switchTheme(page, theme);
      await screenshots(page, 'connection-code-filled', theme);
    }
  });

  it('says what a code looks like when the pasted text is not one, and changes nothing', async () => {
    const { code, page, ui } = await newDesigner('eli');
    const before = await storedSettings(page);

    await paste(page, 'Connection code', code.slice(0, -6));
    await ui.getByText(/^That is not a connection code: its access token is 41 characters long, not 47: it may have been cut off when it was copied\./).waitFor();
    await ui.getByText(/A connection code looks like https:\/\/relay\.example\.com#rmg_…; ask your admin for yours\.$/).waitFor();
    expect(await ui.getByLabel('Connection code').getAttribute('aria-invalid')).toBe('true');
    expect(await storedSettings(page)).toEqual(before);
    for (const theme of ['light', 'dark'] as const) {
      await switchTheme(page, theme);
      await screenshots(page, 'connection-code-wrong', theme);
    }
  });

  it('fills both fields when the code is pasted into the Relay URL instead, so the token never stays in the URL', async () => {
    const { token, code, page } = await newDesigner('fay');

    await paste(page, 'Relay URL', code);
    await expectFilled(page, token, 'fay');
  });
});
