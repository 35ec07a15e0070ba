import { DEFAULT_SETTINGS, SETTINGS_KEY } from '../plugin/settings';
import { CanvasView } from './canvas-view';
import { FakeFigma, type FakeSceneNode } from './figma/fake-figma';
import { enterParameters, type ManifestParameter, type Suggestion } from './figma/quick-actions';
import { decodeNatively } from './native-image-decoder';
import { contentSecurityPolicy, type NetworkAccess } from './network-policy';
import { PersistentMap } from './persistent-map';
import { type PlaygroundConfig, seededSettings } from './playground-config';
import { PluginWindow } from './plugin-window';
import { addSampleFrames, SAMPLE_FILES, type SampleFile } from './sample-frames';
import type { Theme } from './theme';

interface Manifest {
  id: string;
  name: string;
  menu?: { name?: string; command?: string; parameters?: ManifestParameter[]; separator?: boolean }[];
  relaunchButtons?: { command: string; name: string }[];
  networkAccess?: NetworkAccess;
}

const THEME_KEY = 'reimage-emulator:theme';
const SEEDED_KEY = 'reimage-emulator:playground-relay';
const $ = <T extends HTMLElement>(selector: string) => document.querySelector(selector) as T;

async function fetchText(path: string): Promise<string> {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}. Run npm run build first.`);
  return response.text();
}

const manifest = JSON.parse(await fetchText('/manifest.json')) as Manifest;
const params = new URLSearchParams(location.search);
// One of two sample files, each a document with its own root plugin data; clientStorage is the user's, shared by both.
const file: SampleFile = SAMPLE_FILES.find((sample) => sample.key === params.get('file')) ?? SAMPLE_FILES[0];
const figma = new FakeFigma(new PersistentMap(localStorage, `reimage-emulator:clientStorage:${manifest.id}:`), {
  keepPosted: false,
  decodeImage: decodeNatively,
  pages: file.pages,
  rootPluginData: new PersistentMap(localStorage, `reimage-emulator:file-${file.key}:root-plugin-data:`),
});
figma.document.name = file.name;
addSampleFrames(figma, file);

/** Under `npm start`, points the plugin at the relay it started, with its token, unless the designer set their own. */
async function seedPlaygroundRelay(): Promise<void> {
  const response = await fetch('/playground-config', { cache: 'no-store' }).catch(() => undefined);
  if (response?.status !== 200) return;
  const config = (await response.json()) as PlaygroundConfig;
  const previous = JSON.parse(localStorage.getItem(SEEDED_KEY) ?? '{}') as Partial<PlaygroundConfig>;
  const settings = seededSettings(await figma.clientStorage.getAsync(SETTINGS_KEY), config, previous, DEFAULT_SETTINGS.relayUrl);
  if (settings) await figma.clientStorage.setAsync(SETTINGS_KEY, settings);
  localStorage.setItem(SEEDED_KEY, JSON.stringify(config));
}
await seedPlaygroundRelay();

let theme: Theme = (params.get('theme') ?? localStorage.getItem(THEME_KEY)) === 'dark' ? 'dark' : 'light';
const canvas = new CanvasView($('#canvas'), figma, () =>
  theme === 'dark' ? { canvas: '#1e1e1e', label: '#ffffffb3' } : { canvas: '#f5f5f5', label: '#00000080' },
  () => {
    const panel = $('#plugin');
    return panel.hidden ? 0 : $('#canvas').getBoundingClientRect().right - panel.getBoundingClientRect().left;
  },
);
const pluginWindow = new PluginWindow($('#plugin'), figma, manifest.id, theme, contentSecurityPolicy(manifest.networkAccess));

function applyTheme(next: Theme): void {
  theme = next;
  localStorage.setItem(THEME_KEY, next);
  document.documentElement.classList.toggle('dark', next === 'dark');
  $('#theme').setAttribute('aria-pressed', String(next === 'dark'));
  pluginWindow.setTheme(next);
}
applyTheme(theme);
$('#theme').addEventListener('click', () => applyTheme(theme === 'dark' ? 'light' : 'dark'));

/** Figma's toast: the latest notification, with its button; FakeFigma times it out. */
let toastId: number | undefined;
figma.listen('notify', (message, options, id) => {
  const toast = $('#toast');
  const text = Object.assign(document.createElement('span'), { textContent: message });
  toast.replaceChildren(text);
  if (options.button) {
    const button = Object.assign(document.createElement('button'), { type: 'button', textContent: options.button.text });
    button.addEventListener('click', () => figma.pressNotificationButton(id));
    toast.append(button);
  }
  toast.classList.toggle('error', Boolean(options.error));
  toast.hidden = false;
  toastId = id;
});
figma.listen('dismiss', (id) => {
  if (id === toastId) $('#toast').hidden = true;
});
let pluginRunning = false;
figma.listen('close', (message) => {
  pluginRunning = false;
  if (message) figma.notify(message);
});

const commands = (manifest.menu ?? []).filter((item) => item.command);

/**
 * Loads the built plugin as Figma does: its code with this run's `figma` and `__html__` globals,
 * then the run event, after Quick Actions has the command's parameters when it has any.
 */
async function runPlugin(command: string): Promise<void> {
  const [code, html] = await Promise.all([fetchText('/dist/plugin.js'), fetchText('/dist/ui.html')]);
  // Figma runs one instance of a plugin: starting it again ends the running one.
  if (pluginRunning) figma.closePlugin();
  pluginRunning = true;
  Object.assign(globalThis, { figma: figma.openPlugin(), __html__: html });
  new Function(code)();
  const parameters = commands.find((item) => item.command === command)?.parameters ?? [];
  if (parameters.length === 0) return figma.run(command);
  const values = await enterParameters(figma, parameters, askParameter);
  // Escape in Quick Actions ends the plugin.
  if (values === undefined) return figma.closePlugin();
  figma.run(command, values);
}

/** One parameter as Quick Actions asks for it, in a dialog: the plugin's suggestions listed, and why a value was refused. */
function askParameter(parameter: ManifestParameter, shown: Suggestion[], refused?: string): string | null {
  const title = `${parameter.name}${parameter.description ? ` (${parameter.description})` : ''}${parameter.optional ? ', optional' : ''}:`;
  const suggestions = shown.slice(0, 10).map((suggestion) => `• ${suggestion.name}`);
  return prompt([refused, title, ...suggestions].filter(Boolean).join('\n'));
}
$<HTMLSelectElement>('#command').replaceChildren(
  ...commands.map((item) => Object.assign(document.createElement('option'), { value: item.command, textContent: item.name })),
);
$('#run').addEventListener('click', () => void runPlugin($<HTMLSelectElement>('#command').value));
$('#fit').addEventListener('click', () => canvas.zoomToFit());
$<HTMLSelectElement>('#file').replaceChildren(
  ...SAMPLE_FILES.map((sample) => Object.assign(document.createElement('option'), { value: sample.key, textContent: sample.name, selected: sample === file })),
);
// Opening another file closes the plugin, as switching files does in Figma.
$<HTMLSelectElement>('#file').addEventListener('change', (event) => {
  params.set('file', (event.currentTarget as HTMLSelectElement).value);
  location.search = params.toString();
});

function renderPanels(): void {
  $('#pages').replaceChildren(
    ...figma.document.children.map((page) => {
      const item = document.createElement('li');
      const button = Object.assign(document.createElement('button'), { type: 'button', textContent: page.name });
      button.setAttribute('aria-pressed', String(page === figma.page));
      button.addEventListener('click', () => {
        figma.showPage(page);
        canvas.zoomToFit();
      });
      item.append(button);
      return item;
    }),
  );
  const selection = figma.page.selection;
  $('#layers').replaceChildren(
    ...[...figma.page.children].reverse().map((node) => {
      const item = document.createElement('li');
      const button = Object.assign(document.createElement('button'), { type: 'button', textContent: node.name });
      button.setAttribute('aria-pressed', String(selection.includes(node)));
      button.addEventListener('click', (event) => {
        const current = figma.page.selection;
        figma.page.selection = event.shiftKey ? (current.includes(node) ? current.filter((n) => n !== node) : [...current, node]) : [node];
      });
      item.append(button);
      return item;
    }),
  );
  const relaunch = selection.length === 1 ? selection[0].relaunchData : {};
  const buttons = (manifest.relaunchButtons ?? []).filter((button) => button.command in relaunch);
  $('#relaunch').hidden = buttons.length === 0;
  $('#relaunch-buttons').replaceChildren(
    ...buttons.map((button) => {
      const element = Object.assign(document.createElement('button'), { type: 'button', textContent: button.name });
      element.addEventListener('click', () => void runPlugin(button.command));
      return element;
    }),
  );
}

let panelState = '';
setInterval(() => {
  const state = JSON.stringify([figma.page.id, figma.page.childNodes.map((n) => [n.id, n.name]), figma.page.selection.map((n) => [n.id, n.relaunchData])]);
  if (state !== panelState) {
    panelState = state;
    renderPanels();
  }
}, 100);

document.addEventListener('keydown', (event) => {
  if (event.target !== document.body) return;
  if (event.key === 'Delete' || event.key === 'Backspace') figma.page.selection.forEach((node) => node.remove());
  if (event.key === '!' && event.shiftKey) canvas.zoomToFit();
});

/** What the end-to-end tests read and drive: the document, and where a layer is on screen. */
function describe(node: FakeSceneNode) {
  return {
    id: node.id,
    type: node.type,
    name: node.name,
    x: node.x,
    y: node.y,
    width: node.width,
    height: node.height,
    fills: 'fills' in node ? node.fills : undefined,
    pluginData: Object.fromEntries(node.getPluginDataKeys().map((key) => [key, node.getPluginData(key)])),
    relaunchData: node.relaunchData,
  };
}

const emulator = {
  figma,
  layers: () => figma.page.children.map(describe),
  selection: () => figma.page.selection.map((node) => node.name),
  currentPage: () => figma.page.name,
  screenBox: (name: string) => {
    const node = figma.page.children.find((child) => child.name === name);
    return node ? canvas.screenBox(node) : undefined;
  },
  /** Whether the canvas shows every layer as it is now, pixels drawn (they are drawn in the background). */
  canvasSettled: () => canvas.settled(),
  /** An image's size as the browser's decoder found it (createImage read only its header). */
  imageSize: async (hash: string) => {
    const pixels = await figma.imagePixels(hash);
    return pixels && { width: pixels.width, height: pixels.height };
  },
};
Object.assign(window, { emulator });
export type Emulator = typeof emulator;

await runPlugin(params.get('command') ?? commands[0]?.command ?? '');
canvas.zoomToFit();
