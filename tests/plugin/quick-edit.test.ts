import { describe, expect, it } from 'vitest';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { startPlugin } from '../../plugin/controller';
import type { GenerationRecord, PluginMessage } from '../../shared/protocol';
import { solidPng } from '../fakes/png';

const generation = (sourceNodeIds: string[]): GenerationRecord => ({
  prompt: 'Logo carved in marble',
  size: '1024x1024',
  sourceNodeIds,
  createdAt: '2026-11-25T10:00:00.000Z',
});

/** A plugin run on a fake figma, started for Quick edit, and the promise of its end. */
function quickEditRun() {
  const figma = new FakeFigma();
  const api = figma.openPlugin();
  const closed = new Promise<void>((done) => figma.listen('close', () => done()));
  startPlugin(api, { command: 'quick-edit', parameters: { prompt: 'Logo carved in marble' } });
  return { figma, closed };
}

describe('Quick edit in the sandbox, with the panel hidden', () => {
  it('records the result in history and as placed before it closes, though the UI asks to close as soon as the image lands', async () => {
    const { figma, closed } = quickEditRun();
    const logo = figma.addFrame('Logo', { x: 0, y: 0, width: 160, height: 160 });
    // The hidden UI asks to close the moment it hears the image is placed, as App.tsx does.
    figma.listen('post', (message) => {
      if ((message as PluginMessage).type === 'result-placed') void figma.sendFromUi({ type: 'close', message: 'Reimage: the image is on the canvas.' });
    });
    void figma.sendFromUi({
      type: 'place-result', requestId: 'q1', bytes: solidPng(64, 64), generation: generation([logo.id]), placement: { kind: 'beside' }, jobId: 'job-q1',
      history: { prompt: 'Logo carved in marble', size: '1024x1024', referenceNames: ['Logo'], durationMs: 61_000, jobId: 'job-q1' },
    });
    await closed;
    expect(figma.closedWith).toBe('Reimage: the image is on the canvas.');
    expect((figma.storage.get('history') as { jobId: string }[]).map((entry) => entry.jobId)).toEqual(['job-q1']);
    expect(JSON.stringify((figma.storage.get('jobs') as { placed: unknown }).placed)).toContain('job-q1');
  });

  it('ends a failed run with an error notification that fits Figma’s 100 characters, then closes', async () => {
    const { figma, closed } = quickEditRun();
    const message =
      'Reimage: The relay could not get an image from the provider. Try again in a minute; if it keeps failing, tell your admin.';
    void figma.sendFromUi({ type: 'close', message, error: true });
    await closed;
    expect(figma.notifications).toEqual([{ message: 'Reimage: The relay could not get an image from the provider. Try again in a minute.', error: true }]);
    expect(figma.notifications[0].message.length).toBeLessThanOrEqual(100);
    expect(figma.closedWith).toBeUndefined();
  });

  it('keeps one progress notification with Cancel up until the next replaces it, answers its button, and takes it down on close', async () => {
    const { figma, closed } = quickEditRun();
    const cancel = { text: 'Cancel', action: 'cancel' as const };
    await figma.sendFromUi({ type: 'notify', message: 'Reimage: generating…', button: cancel });
    await figma.sendFromUi({ type: 'notify', message: 'Reimage: generating… 15 s', button: cancel });
    expect(figma.notifications).toEqual([
      { message: 'Reimage: generating…', error: false, button: 'Cancel' },
      { message: 'Reimage: generating… 15 s', error: false, button: 'Cancel' },
    ]);
    const answers: PluginMessage[] = [];
    figma.listen('post', (message) => answers.push(message as PluginMessage));
    // Only the latest is showing: pressing it answers once.
    figma.pressNotificationButton();
    expect(answers).toEqual([{ type: 'notification-action', action: 'cancel' }]);
    expect(() => figma.pressNotificationButton()).toThrow(/No notification with a button/);

    await figma.sendFromUi({ type: 'notify', message: 'Reimage: generating… 30 s', button: cancel });
    void figma.sendFromUi({ type: 'close', message: 'Reimage: cancelled. Nothing was placed.' });
    await closed;
    expect(() => figma.pressNotificationButton()).toThrow(/No notification with a button/);
    expect(figma.closedWith).toBe('Reimage: cancelled. Nothing was placed.');
  });
});
