import type { FakeFigma } from './figma/fake-figma';
import { withContentSecurityPolicy } from './network-policy';
import { type Theme, themedHtml, themeMessage } from './theme';

/**
 * The plugin's panel as Figma hosts it: the UI in `<iframe sandbox="allow-scripts" srcdoc>` (so its
 * origin is "null"), under the content security policy from the manifest's networkAccess, messages
 * relayed both ways as `{ pluginMessage }`, resized by figma.ui.resize, themed by Figma's class and
 * variables when showUI asked for themeColors.
 */
export class PluginWindow {
  private iframe: HTMLIFrameElement | undefined;
  private themed = false;

  constructor(
    private readonly panel: HTMLElement,
    private readonly figma: FakeFigma,
    pluginId: string,
    private theme: Theme,
    private readonly policy: string | undefined,
  ) {
    figma.listen('showUI', (html, options) => this.open(html, options));
    figma.listen('post', (message) => this.iframe?.contentWindow?.postMessage({ pluginMessage: message, pluginId }, '*'));
    figma.listen('resize', ({ width, height }) => this.size(width, height));
    figma.listen('close', () => this.close());
    window.addEventListener('message', (event) => {
      const data = event.data as { pluginMessage?: unknown } | null;
      if (!this.iframe || event.source !== this.iframe.contentWindow || data === null || typeof data !== 'object' || !('pluginMessage' in data)) return;
      void this.figma.sendFromUi(data.pluginMessage);
    });
    (panel.querySelector('[data-close]') as HTMLButtonElement).addEventListener('click', () => figma.closePlugin());
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    if (this.themed) this.iframe?.contentWindow?.postMessage(themeMessage(theme), '*');
  }

  private open(html: string, options: ShowUIOptions): void {
    this.close();
    this.themed = options.themeColors === true;
    const iframe = document.createElement('iframe');
    iframe.setAttribute('sandbox', 'allow-scripts');
    iframe.title = options.title ?? 'Plugin';
    iframe.srcdoc = withContentSecurityPolicy(this.themed ? themedHtml(html, this.theme) : html, this.policy);
    this.iframe = iframe;
    (this.panel.querySelector('[data-title]') as HTMLElement).textContent = options.title ?? 'Plugin';
    (this.panel.querySelector('[data-body]') as HTMLElement).replaceChildren(iframe);
    this.size(this.figma.panelSize.width, this.figma.panelSize.height);
    this.panel.hidden = options.visible === false;
  }

  private size(width: number, height: number): void {
    if (!this.iframe) return;
    this.iframe.style.width = `${width}px`;
    this.iframe.style.height = `${height}px`;
  }

  private close(): void {
    this.iframe?.remove();
    this.iframe = undefined;
    this.panel.hidden = true;
  }
}
