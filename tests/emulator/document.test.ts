import { describe, expect, it } from 'vitest';
import { FakeFigma } from '../../emulator/figma/fake-figma';
import { PLUGIN_DATA_LIMIT_BYTES } from '../../emulator/figma/nodes';

const box = { x: 0, y: 0, width: 100, height: 100 };
const PLUGIN_ID = 'reimage-gpt-image-2';
const TOO_LARGE = 'in setPluginData: This pluginData entry exceeds 100 kB per entry limit.';

describe('the fake figma’s document, as Figma’s under documentAccess "dynamic-page"', () => {
  it('has a root whose children are the file’s pages, the first one current and loaded', () => {
    const figma = new FakeFigma(new Map(), { pages: ['Design', 'Archive', 'Components'] });
    expect(figma.root.type).toBe('DOCUMENT');
    expect(figma.root.children.map((page) => [page.type, page.name])).toEqual([
      ['PAGE', 'Design'],
      ['PAGE', 'Archive'],
      ['PAGE', 'Components'],
    ]);
    expect(figma.currentPage).toBe(figma.root.children[0]);
    expect(figma.currentPage.children).toEqual([]);
    expect(figma.root.children.map((page) => page.parent)).toEqual([figma.root, figma.root, figma.root]);
  });

  it('keeps plugin data on the root, as a file-wide record', () => {
    const figma = new FakeFigma();
    expect(figma.root.getPluginData('file-id')).toBe('');
    figma.root.setPluginData('file-id', 'f-123');
    figma.root.setPluginData('other', 'x');
    figma.root.setPluginData('other', '');
    expect(figma.root.getPluginData('file-id')).toBe('f-123');
    expect(figma.root.getPluginDataKeys()).toEqual(['file-id']);
  });

  it('keeps the root’s plugin data in the map it is given, so the emulator can keep it across reloads', () => {
    const kept = new Map<string, unknown>();
    new FakeFigma(new Map(), { rootPluginData: kept }).root.setPluginData('file-id', 'f-1');
    expect(new FakeFigma(new Map(), { rootPluginData: kept }).root.getPluginData('file-id')).toBe('f-1');
  });

  it('refuses a plugin data entry over 100 kB (plugin id, key and value in UTF-8) with Figma’s error, on nodes and the root', () => {
    const figma = new FakeFigma();
    const frame = figma.addFrame('Card', box);
    const key = 'reimage';
    const fits = 'a'.repeat(PLUGIN_DATA_LIMIT_BYTES - PLUGIN_ID.length - key.length);
    for (const node of [frame, figma.root, figma.currentPage] as const) {
      node.setPluginData(key, 'old');
      expect(() => node.setPluginData(key, `${fits}a`)).toThrow(TOO_LARGE);
      expect(node.getPluginData(key)).toBe('old');
      node.setPluginData(key, fits);
      expect(node.getPluginData(key)).toBe(fits);
    }
    // 32,000 CJK characters are 96,000 bytes: under the limit as characters, over it once a second field is added.
    const cjk = '猫'.repeat(32_000);
    frame.setPluginData(key, cjk);
    expect(() => frame.setPluginData(key, JSON.stringify({ prompt: cjk, name: cjk.slice(0, 3000) }))).toThrow(TOO_LARGE);
    expect(() => frame.setPluginData(key, '😀'.repeat(26_000))).toThrow(TOO_LARGE);
  });

  it('refuses assigning figma.currentPage under dynamic-page, and switches with setCurrentPageAsync', async () => {
    const figma = new FakeFigma(new Map(), { pages: ['Design', 'Archive'] });
    const [design, archive] = figma.root.children;
    const heard: string[] = [];
    figma.on('currentpagechange', () => heard.push('page'));
    expect(() => {
      (figma as { currentPage: PageNode }).currentPage = archive;
    }).toThrow('in set_currentPage: Cannot call with documentAccess: dynamic-page. Use figma.setCurrentPageAsync instead.');
    expect(figma.currentPage).toBe(design);

    await figma.setCurrentPageAsync(archive);
    await Promise.resolve();
    expect(figma.currentPage).toBe(archive);
    expect(archive.children).toEqual([]);
    expect(heard).toEqual(['page']);
  });

  it('stops telling a closed plugin about page changes', async () => {
    const figma = new FakeFigma(new Map(), { pages: ['Design', 'Archive'] });
    const heard: string[] = [];
    figma.on('currentpagechange', () => heard.push('page'));
    figma.closePlugin();
    figma.showPage(figma.document.children[1]);
    await Promise.resolve();
    expect(heard).toEqual([]);
  });

  it('lets a plugin with full document access assign figma.currentPage', () => {
    const figma = new FakeFigma(new Map(), { pages: ['Design', 'Archive'], documentAccess: 'full' });
    const archive = figma.root.children[1];
    (figma as { currentPage: PageNode }).currentPage = archive;
    expect(figma.currentPage).toBe(archive);
  });

  it('refuses reading or changing another page’s children until it is loaded', async () => {
    const figma = new FakeFigma(new Map(), { pages: ['Design', 'Archive'] });
    const archive = figma.root.children[1];
    const old = figma.addFrame('Old card', box, [255, 255, 255], figma.document.children[1]);
    const unloaded = /in get_children: Cannot access property `children` on a page that has not been explicitly loaded/;
    expect(() => archive.children).toThrow(unloaded);
    expect(() => archive.appendChild(figma.createRectangle())).toThrow(unloaded);
    // A node on it is found by id all the same.
    expect(await figma.getNodeByIdAsync(old.id)).toBe(old);

    await archive.loadAsync();
    expect(archive.children).toEqual([old]);
    expect(figma.currentPage).toBe(figma.root.children[0]);
  });

  it('refuses a selection with a node of another page, with Figma’s error, keeping the old one', async () => {
    const figma = new FakeFigma(new Map(), { pages: ['Design', 'Archive'] });
    const here = figma.addFrame('Here', box);
    const there = figma.addFrame('There', box, [255, 255, 255], figma.document.children[1]);
    figma.page.selection = [here];
    expect(() => {
      figma.currentPage.selection = [here, there] as unknown as SceneNode[];
    }).toThrow('in set_selection: The selection of a page can only include nodes in that page');
    expect(figma.currentPage.selection).toEqual([here]);
    // Each page keeps its own selection.
    figma.document.children[1].selection = [there];
    expect(figma.currentPage.selection).toEqual([here]);
  });

  it('gives node ids unique within a file and repeating across files, as Figma’s do', async () => {
    const storage = new Map<string, unknown>();
    const fileA = new FakeFigma(storage);
    const fileB = new FakeFigma(storage);
    const a = [fileA.addFrame('A1', box), fileA.addFrame('A2', box), fileA.createRectangle()];
    const b = fileB.addFrame('B1', box);
    expect(new Set(a.map((node) => node.id)).size).toBe(3);
    expect(b.id).toBe(a[0].id);
    expect(await fileB.getNodeByIdAsync(a[1].id)).toBeNull();
    expect(await fileA.getNodeByIdAsync(b.id)).toBe(a[0]);
    // The two files share the designer's clientStorage.
    await fileA.clientStorage.setAsync('settings', { size: 'auto' });
    expect(await fileB.clientStorage.getAsync('settings')).toEqual({ size: 'auto' });
  });

  it('hands out children and selection as read-only copies', () => {
    const figma = new FakeFigma();
    const card = figma.addFrame('Card', box);
    const children = figma.currentPage.children as SceneNode[];
    expect(() => children.push(card as unknown as SceneNode)).toThrow(TypeError);
    expect(figma.currentPage.children).toHaveLength(1);
    figma.page.selection = [card];
    expect(() => (figma.currentPage.selection as SceneNode[]).pop()).toThrow(TypeError);
  });
});
