/**
 * The content security policy Figma puts on a plugin's UI from manifest.json's `networkAccess`
 * (developers.figma.com/docs/plugins/making-network-requests): requests to a domain the manifest
 * does not list are blocked with a CSP error. `devAllowedDomains` count only while the plugin is
 * in development, as it is in the emulator (imported from its manifest). Figma's entries ("https://a.com",
 * "*.example.com", "example.com/api/", "none") are CSP source expressions as they are.
 */
export interface NetworkAccess {
  allowedDomains: string[];
  devAllowedDomains?: string[];
  reasoning?: string;
}

/**
 * The policy for a UI, or undefined when the manifest leaves network access open. Inline code and
 * styles, and data:/blob: URLs, are the plugin's own and stay allowed; everything that reaches the
 * network (fetch, WebSocket, images, scripts, styles, fonts, media, frames) is held to the list.
 * The default is Figma's as its own error reports it (`default-src data: blob: <the domains>`, with
 * no connect-src, quoted in lukasoppermann/design-tokens#302, 2024): a UI may fetch a data: or blob:
 * URL. Figma's script-src is not on record; the emulator's allows inline code and eval (a plugin's
 * UI is inline, and WebAssembly needs eval), and, as a guess on the strict side, no data:/blob:
 * scripts or workers.
 */
export function contentSecurityPolicy(access: NetworkAccess | undefined, development = true): string | undefined {
  if (!access) return undefined;
  const listed = [...access.allowedDomains, ...(development ? (access.devAllowedDomains ?? []) : [])].filter((domain) => domain !== 'none');
  const sources = listed.length > 0 ? listed.join(' ') : "'none'";
  const own = (extra: string) => (listed.length > 0 ? `${extra} ${sources}` : extra);
  return [
    `default-src ${own('data: blob:')}`,
    `script-src ${own("'unsafe-inline' 'unsafe-eval'")}`,
    `style-src ${own("'unsafe-inline'")}`,
    `img-src ${own('data: blob:')}`,
    `font-src ${own('data:')}`,
    `media-src ${own('data: blob:')}`,
  ].join('; ');
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** The UI's HTML with the policy as the first thing in its head, so it covers every script. */
export function withContentSecurityPolicy(html: string, policy: string | undefined): string {
  if (policy === undefined) return html;
  const meta = `<meta http-equiv="Content-Security-Policy" content="${attribute(policy)}">`;
  if (/<head(\s[^>]*)?>/i.test(html)) return html.replace(/<head(\s[^>]*)?>/i, (tag) => `${tag}${meta}`);
  if (/<html(\s[^>]*)?>/i.test(html)) return html.replace(/<html(\s[^>]*)?>/i, (tag) => `${tag}<head>${meta}</head>`);
  return `${meta}${html}`;
}

/** The manifest as a developer sees it after adding `domains` to `devAllowedDomains`. */
export function withDevAllowedDomains<M extends { networkAccess?: NetworkAccess }>(manifest: M, domains: readonly string[]): M {
  if (domains.length === 0 || !manifest.networkAccess) return manifest;
  const current = manifest.networkAccess.devAllowedDomains ?? [];
  const devAllowedDomains = [...current, ...domains.filter((domain) => !current.includes(domain))];
  return { ...manifest, networkAccess: { ...manifest.networkAccess, devAllowedDomains } };
}
