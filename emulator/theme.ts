export type Theme = 'light' | 'dark';

/**
 * The colour variables Figma injects into a plugin iframe shown with `themeColors: true`, with
 * Figma Design's values for each theme (the subset plugins commonly use).
 */
const VARIABLES: Record<string, [light: string, dark: string]> = {
  'bg': ['#ffffff', '#2c2c2c'],
  'bg-secondary': ['#f5f5f5', '#383838'],
  'bg-tertiary': ['#e6e6e6', '#444444'],
  'bg-hover': ['#f5f5f5', '#383838'],
  'bg-pressed': ['#e6e6e6', '#444444'],
  'bg-selected': ['#e5f4ff', '#4a5878'],
  'bg-disabled': ['#d9d9d9', '#757575'],
  'bg-inverse': ['#2c2c2c', '#ffffff'],
  'bg-brand': ['#0d99ff', '#0c8ce9'],
  'bg-brand-hover': ['#007be5', '#0a6dc2'],
  'bg-brand-pressed': ['#007be5', '#105cad'],
  'bg-brand-secondary': ['#007be5', '#105cad'],
  'bg-brand-tertiary': ['#e5f4ff', '#394360'],
  'bg-danger': ['#f24822', '#e03e1a'],
  'bg-danger-hover': ['#dc3412', '#c4381c'],
  'bg-danger-secondary': ['#dc3412', '#963323'],
  'bg-danger-tertiary': ['#ffe2e0', '#60332a'],
  'bg-warning': ['#ffcd29', '#f3c11b'],
  'bg-warning-secondary': ['#f5b900', '#e4a711'],
  'bg-warning-tertiary': ['#fff1c2', '#5c4100'],
  'bg-success': ['#14ae5c', '#198f51'],
  'bg-success-secondary': ['#009951', '#0a5c35'],
  'bg-success-tertiary': ['#cff7d3', '#2f483c'],
  'border': ['#e6e6e6', '#444444'],
  'border-strong': ['#2c2c2c', '#ffffffe6'],
  'border-selected': ['#0d99ff', '#0c8ce9'],
  'border-disabled': ['#e6e6e6', '#444444'],
  'border-danger': ['#ffc7c2', '#864537'],
  'border-danger-strong': ['#dc3412', '#fca397'],
  'border-warning': ['#ffe8a3', '#7a5800'],
  'text': ['#000000e5', '#ffffff'],
  'text-secondary': ['#00000080', '#ffffffb3'],
  'text-tertiary': ['#0000004d', '#ffffff66'],
  'text-disabled': ['#0000004d', '#ffffff66'],
  'text-brand': ['#007be5', '#7cc4f8'],
  'text-onbrand': ['#ffffff', '#ffffff'],
  'text-danger': ['#dc3412', '#fca397'],
  'text-warning': ['#b86200', '#f7d15f'],
  'text-success': ['#009951', '#7cd797'],
  'text-oninverse': ['#ffffff', '#000000e6'],
  'icon': ['#000000e5', '#ffffff'],
  'icon-secondary': ['#00000080', '#ffffffb3'],
  'icon-tertiary': ['#0000004d', '#ffffff66'],
  'icon-brand': ['#007be5', '#7cc4f8'],
  'icon-onbrand': ['#ffffff', '#ffffff'],
  'icon-danger': ['#dc3412', '#fca397'],
  'icon-warning': ['#b86200', '#f7d15f'],
  'icon-success': ['#009951', '#7cd797'],
};

/** The content of Figma's `<style id="figma-style">` for the theme. */
export function themeStyle(theme: Theme): string {
  const index = theme === 'light' ? 0 : 1;
  const lines = Object.entries(VARIABLES).map(([name, values]) => `--figma-color-${name}: ${values[index]};`);
  return `:root { ${lines.join(' ')} }`;
}

export function themeClass(theme: Theme): string {
  return `figma-${theme}`;
}

/** The message the host sends the iframe when the user switches theme. */
export interface ThemeMessage {
  figmaTheme: { className: string; style: string };
}

// Runs inside the plugin iframe: Figma swaps the class and variables in place when the theme changes.
const THEME_LISTENER = `<script>window.addEventListener('message', function (event) {
  var theme = event.data && event.data.figmaTheme;
  if (!theme || event.source !== window.parent) return;
  document.documentElement.classList.remove('figma-light', 'figma-dark');
  document.documentElement.classList.add(theme.className);
  document.getElementById('figma-style').textContent = theme.style;
});</script>`;

/** The plugin's HTML as Figma shows it with `themeColors: true`: themed class, variables, live updates. */
export function themedHtml(html: string, theme: Theme): string {
  const injected = `<style id="figma-style">${themeStyle(theme)}</style>${THEME_LISTENER}`;
  const withClass = /<html[^>]*>/i.test(html)
    ? html.replace(/<html([^>]*)>/i, (_, attributes: string) =>
        /\bclass="/.test(attributes) ? `<html${attributes.replace(/\bclass="/, `class="${themeClass(theme)} `)}>` : `<html${attributes} class="${themeClass(theme)}">`,
      )
    : `<html class="${themeClass(theme)}">${html}</html>`;
  return /<head[^>]*>/i.test(withClass) ? withClass.replace(/<head([^>]*)>/i, `<head$1>${injected}`) : withClass.replace(/(<html[^>]*>)/i, `$1${injected}`);
}

export function themeMessage(theme: Theme): ThemeMessage {
  return { figmaTheme: { className: themeClass(theme), style: themeStyle(theme) } };
}
