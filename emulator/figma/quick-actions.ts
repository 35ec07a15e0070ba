/**
 * Quick Actions parameters as Figma runs them (developers.figma.com/docs/plugins/plugin-parameters):
 * the plugin's code is loaded, then the user fills the command's parameters one by one; Figma fires
 * `figma.parameters.on('input')` on every key press and shows the suggestions the plugin sets; a
 * parameter without `allowFreeform` takes only a suggestion (its `data`, or its name), an `optional`
 * one may be skipped; `figma.on('run')` fires once every parameter is in.
 */

/** A parameter as manifest.json declares it on a menu command. */
export interface ManifestParameter {
  name: string;
  key: string;
  description?: string;
  allowFreeform?: boolean;
  optional?: boolean;
}

export interface Suggestion {
  name: string;
  data: unknown;
}

/** What the plugin answered to one input event. */
export type InputAnswer = { suggestions: Suggestion[] } | { error: string };

type InputHandler = (event: ParameterInputEvent) => void;

/** How long the user waits for suggestions before typing on (Figma shows "Loading suggestions…" meanwhile). */
const SUGGESTIONS_SHOWN_WITHIN_MS = 500;

function suggestionOf(entry: Parameters<SuggestionResults['setSuggestions']>[0][number]): Suggestion {
  return typeof entry === 'string' ? { name: entry, data: entry } : { name: entry.name, data: entry.data ?? entry.name };
}

/** `figma.parameters`: the plugin registers its input handlers; the host fires input events at them. */
export class FakeParameters implements ParametersAPI {
  private handlers: { callback: InputHandler; once: boolean }[] = [];

  on(_type: 'input', callback: InputHandler): void {
    this.handlers.push({ callback, once: false });
  }

  once(_type: 'input', callback: InputHandler): void {
    this.handlers.push({ callback, once: true });
  }

  off(_type: 'input', callback: InputHandler): void {
    this.handlers = this.handlers.filter((handler) => handler.callback !== callback);
  }

  /** The plugin's handlers go when it closes. */
  clear(): void {
    this.handlers = [];
  }

  /**
   * One key press in the parameter `key` (host control): resolves with the plugin's first answer,
   * or never when it gives none, as Figma keeps "Loading suggestions…" up.
   */
  input(key: string, query: string, parameters: ParameterValues = {}): Promise<InputAnswer> {
    return new Promise((resolve) => {
      const result: SuggestionResults = {
        setSuggestions: (suggestions) => resolve({ suggestions: suggestions.map(suggestionOf) }),
        setError: (message) => resolve({ error: message }),
        setLoadingMessage: () => {},
      };
      const handlers = this.handlers;
      this.handlers = handlers.filter((handler) => !handler.once);
      for (const { callback } of handlers) callback({ key, query, parameters: { ...parameters }, result });
    });
  }
}

/**
 * Asks the user for one parameter: gets the suggestions shown for the empty query (and, after a
 * refused answer, the reason), returns what they typed, or null when they press Escape.
 */
export type AskParameter = (parameter: ManifestParameter, shown: Suggestion[], refused?: string) => string | null | Promise<string | null>;

function withinShowTime(answer: Promise<InputAnswer>): Promise<InputAnswer | undefined> {
  return Promise.race([answer, new Promise<undefined>((done) => setTimeout(done, SUGGESTIONS_SHOWN_WITHIN_MS))]);
}

/**
 * Walks the user through a command's parameters as Quick Actions does. Resolves with the values
 * for the run event, or undefined when the user gave up (Figma then ends the plugin).
 */
export async function enterParameters(figma: { parameters: FakeParameters }, list: readonly ManifestParameter[], ask: AskParameter): Promise<ParameterValues | undefined> {
  const values: ParameterValues = {};
  for (const parameter of list) {
    const opened = await withinShowTime(figma.parameters.input(parameter.key, '', values));
    let refused: string | undefined;
    for (;;) {
      const answer = await ask(parameter, opened && 'suggestions' in opened ? opened.suggestions : [], refused);
      if (answer === null) return undefined;
      const typed = answer.trim();
      let last: Promise<InputAnswer> | undefined;
      for (let length = 1; length <= typed.length; length++) last = figma.parameters.input(parameter.key, typed.slice(0, length), values);
      if (typed === '') {
        if (parameter.optional) break;
        refused = `${parameter.name} is required.`;
        continue;
      }
      if (parameter.allowFreeform) {
        values[parameter.key] = typed;
        break;
      }
      // Only a suggestion can be chosen; Enter takes the highlighted one, the first, unless the name was typed in full.
      const reply = await last!;
      if ('error' in reply) {
        refused = reply.error;
        continue;
      }
      const chosen = reply.suggestions.find((suggestion) => suggestion.name.toLowerCase() === typed.toLowerCase()) ?? reply.suggestions[0];
      if (!chosen) {
        refused = `No ${parameter.name} matches “${typed}”: pick one of the suggestions.`;
        continue;
      }
      values[parameter.key] = chosen.data;
      break;
    }
  }
  return values;
}
