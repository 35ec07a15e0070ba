/**
 * One run of a plugin, from launch to `figma.closePlugin()`. Figma documents that closing "disables
 * callbacks and Figma APIs": code after the call still runs, but every use of `figma` throws, and
 * what the plugin was waiting for from the API (a clientStorage read or write, a node lookup) never
 * calls it back. The plugin must write what has to last before it closes. (Nodes it already holds
 * are the document's, not guarded here: their next step through `figma` throws.)
 */
export interface PluginRun {
  closed: boolean;
}

/**
 * The members of Figma's `PluginAPI` that closing disables: each one throws once the run closed,
 * and what they return (for `ui`, `clientStorage`, `viewport`, `parameters`: every member) too.
 * Checked against the typings, so a name Figma does not have fails to compile.
 */
const API_MEMBERS: ReadonlySet<PropertyKey> = new Set<keyof PluginAPI>([
  'ui', 'clientStorage', 'viewport', 'parameters', 'currentPage', 'root', 'mixed', 'command', 'fileKey',
  'showUI', 'notify', 'closePlugin', 'on', 'once', 'off', 'commitUndo', 'triggerUndo',
  'createImage', 'createImageAsync', 'getImageByHash', 'createRectangle', 'createEllipse', 'createFrame', 'createText',
  'createComponent', 'createPage', 'createSection', 'group', 'flatten', 'union',
  'getNodeById', 'getNodeByIdAsync', 'setCurrentPageAsync', 'loadAllPagesAsync', 'loadFontAsync', 'saveVersionHistoryAsync',
]);

/** API members that are objects of more API (the rest, such as `currentPage`, are nodes). */
const API_OBJECTS: ReadonlySet<PropertyKey> = new Set<keyof PluginAPI>(['ui', 'clientStorage', 'viewport', 'parameters']);

/**
 * Figma's own wording is not documented (the typings say only that calls fail); this one says what
 * happened and where to look.
 */
function closedError(member: PropertyKey): Error {
  return new Error(`in ${String(member)}: the plugin is closed. figma.closePlugin() disabled the plugin API; nothing may use figma after it.`);
}

function isPlainObject(value: object): boolean {
  return Object.getPrototypeOf(value) === Object.prototype;
}

/** A promise that settles only while the run is open: after close, the plugin is never called back. */
function whileOpen(run: PluginRun, value: unknown): unknown {
  if (!(value instanceof Promise)) return value;
  return new Promise((resolve, reject) => {
    value.then(
      (result) => run.closed || resolve(result),
      (error) => run.closed || reject(error),
    );
  });
}

/**
 * The `figma` a run's code sees: the host's fake, whose API members stop working when `run` closes.
 * The host keeps the fake itself, which goes on working (the canvas outlives the plugin).
 */
export function apiOfRun<T extends object>(figma: T, run: PluginRun): T {
  const views = new WeakMap<object, unknown>();

  function view(value: unknown, owner: object, member: PropertyKey): unknown {
    const apiObject = typeof value === 'object' && value !== null && (isPlainObject(value) || API_OBJECTS.has(member));
    if (typeof value !== 'function' && !apiObject) return value;
    const known = views.get(value);
    if (known) return known;
    const made =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            if (run.closed) throw closedError(value.name || 'a figma method');
            return whileOpen(run, (value as (...values: unknown[]) => unknown).apply(owner, args));
          }
        : guarded(value as object, () => true);
    views.set(value, made);
    return made;
  }

  function guarded<O extends object>(target: O, isApi: (member: PropertyKey) => boolean): O {
    return new Proxy(target, {
      get(object, member) {
        const value = Reflect.get(object, member, object);
        if (!isApi(member)) return value;
        if (run.closed) throw closedError(member);
        return view(value, object, member);
      },
      set(object, member, value) {
        if (isApi(member) && run.closed) throw closedError(member);
        return Reflect.set(object, member, value, object);
      },
    });
  }

  return guarded(figma, (member) => API_MEMBERS.has(member));
}
