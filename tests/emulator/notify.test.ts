import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeFigma, NOTIFY_MAX_CHARS } from '../../emulator/figma/fake-figma';

describe('the fake figma’s notifications, as Figma shows them', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('cuts a message to 100 characters, never halving an emoji', () => {
    const figma = new FakeFigma();
    const shown: string[] = [];
    figma.listen('notify', (message) => shown.push(message));
    figma.notify(`${'a'.repeat(99)}😀 and more`);
    expect(NOTIFY_MAX_CHARS).toBe(100);
    expect(figma.notifications[0].message).toBe(`${'a'.repeat(99)}😀`);
    expect(shown).toEqual([`${'a'.repeat(99)}😀`]);
  });

  it('records a button, and pressing it runs its action and dismisses the notification', () => {
    const figma = new FakeFigma();
    const pressed: string[] = [];
    const dequeued: string[] = [];
    const dismissed: number[] = [];
    figma.listen('dismiss', (id) => dismissed.push(id));
    figma.notify('Image placed on “Archive”', { button: { text: 'Show', action: () => void pressed.push('show') }, onDequeue: (reason) => dequeued.push(reason) });
    expect(figma.notifications).toEqual([{ message: 'Image placed on “Archive”', error: false, button: 'Show' }]);
    figma.pressNotificationButton();
    expect(pressed).toEqual(['show']);
    expect(dequeued).toEqual(['action_button_click']);
    expect(dismissed).toEqual([0]);
    expect(() => figma.pressNotificationButton()).toThrow('No notification with a button is showing');
  });

  it('keeps a notification whose action returns false', () => {
    const figma = new FakeFigma();
    let presses = 0;
    figma.notify('Still here', { button: { text: 'Again', action: () => (presses++, false) } });
    figma.pressNotificationButton();
    figma.pressNotificationButton();
    expect(presses).toBe(2);
  });

  it('takes a notification away after its timeout, 3 seconds by default, and never for Infinity', () => {
    vi.useFakeTimers();
    const figma = new FakeFigma();
    const action = () => undefined;
    figma.notify('Short', { button: { text: 'Show', action } });
    figma.notify('Forever', { timeout: Infinity, button: { text: 'Show', action } });
    vi.advanceTimersByTime(2999);
    expect(() => figma.pressNotificationButton(0)).not.toThrow();
    figma.notify('Short again', { button: { text: 'Show', action } });
    vi.advanceTimersByTime(3000);
    expect(() => figma.pressNotificationButton(2)).toThrow('No notification with a button is showing');
    vi.advanceTimersByTime(60 * 60 * 1000);
    expect(() => figma.pressNotificationButton(1)).not.toThrow();
  });

  it('takes a notification’s button away when the plugin closes, with the code it would call', () => {
    const figma = new FakeFigma();
    const cancelled = figma.notify('Placed', { timeout: Infinity, button: { text: 'Show', action: () => undefined } });
    figma.closePlugin();
    expect(() => figma.pressNotificationButton()).toThrow('No notification with a button is showing');
    cancelled.cancel();
  });
});
