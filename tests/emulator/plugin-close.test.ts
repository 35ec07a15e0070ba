import { describe, expect, it } from 'vitest';
import { FakeFigma } from '../../emulator/figma/fake-figma';

/** Lets every pending promise callback and timer of this turn run. */
const settle = () => new Promise((done) => setTimeout(done, 20));

describe('figma.closePlugin ends the plugin, as Figma does', () => {
  it('makes every later use of the plugin API throw, through references taken before too', () => {
    const figma = new FakeFigma();
    const api = figma.openPlugin();
    const ui = api.ui;
    api.showUI('<p>Panel</p>');
    api.closePlugin();
    expect(() => api.currentPage).toThrow(/the plugin is closed/);
    expect(() => api.notify('Done')).toThrow(/the plugin is closed/);
    expect(() => api.clientStorage).toThrow(/the plugin is closed/);
    expect(() => ui.postMessage({ type: 'late' })).toThrow(/the plugin is closed/);
    expect(() => api.closePlugin()).toThrow(/the plugin is closed/);
    expect(figma.notifications).toEqual([]);
  });

  it('closes the UI and stops delivering its messages', async () => {
    const figma = new FakeFigma();
    const api = figma.openPlugin();
    const closed: (string | undefined)[] = [];
    figma.listen('close', (message) => closed.push(message));
    const heard: unknown[] = [];
    api.ui.onmessage = (message: unknown) => heard.push(message);
    api.closePlugin('Reimage: done');
    await figma.sendFromUi({ type: 'ready' });
    expect(closed).toEqual(['Reimage: done']);
    expect(heard).toEqual([]);
  });

  it('never calls the plugin back for work it started before closing, such as a clientStorage write', async () => {
    const figma = new FakeFigma();
    const api = figma.openPlugin();
    const callbacks: string[] = [];
    void api.clientStorage.setAsync('history', ['entry']).then(() => callbacks.push('written'));
    void api.getNodeByIdAsync('1:1').then(() => callbacks.push('found'));
    api.closePlugin();
    await settle();
    expect(callbacks).toEqual([]);
  });

  it('calls the plugin back as usual while it runs', async () => {
    const api = new FakeFigma().openPlugin();
    await api.clientStorage.setAsync('history', ['entry']);
    expect(await api.clientStorage.getAsync('history')).toEqual(['entry']);
  });

  it('gives a new run a working API while the closed run stays closed', async () => {
    const figma = new FakeFigma();
    const first = figma.openPlugin();
    const late: string[] = [];
    void first.clientStorage.getAsync('settings').then(() => late.push('first run called back'));
    first.closePlugin();
    const second = figma.openPlugin();
    second.notify('Second run');
    await settle();
    expect(late).toEqual([]);
    expect(() => first.notify('First run')).toThrow(/the plugin is closed/);
    expect(figma.notifications.map((n) => n.message)).toEqual(['Second run']);
  });

  it('leaves the host its canvas after the plugin closed', () => {
    const figma = new FakeFigma();
    figma.openPlugin().closePlugin();
    const frame = figma.addFrame('Card', { x: 0, y: 0, width: 10, height: 10 });
    figma.select(frame);
    expect(figma.viewport.center).toEqual({ x: 500, y: 400 });
    expect(figma.page.selection).toEqual([frame]);
  });
});
