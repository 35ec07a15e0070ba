const PLACEHOLDER = '[the relay key]';

/**
 * A provider's error text with the relay's key hidden: some providers quote the key in an error,
 * and the relay passes some error messages on. A JSON encoder may have escaped it (`\/` for `/`,
 * or `\u…` for any character), which parsing turns back into the key, so a JSON body is hidden
 * string by string after parsing as well as in its raw text.
 */
export function redactKey(text: string, key: string): string {
  const raw = text.replaceAll(key, PLACEHOLDER).replaceAll(key.replaceAll('/', '\\/'), PLACEHOLDER);
  try {
    return JSON.stringify(JSON.parse(raw, (_name, value: unknown) => (typeof value === 'string' ? value.replaceAll(key, PLACEHOLDER) : value)));
  } catch {
    return raw;
  }
}
