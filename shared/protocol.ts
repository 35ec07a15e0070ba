import type { ImageSize } from './sizes';

/** What the designer configures once; kept per user in figma.clientStorage, never in the file. */
export interface Settings {
  relayUrl: string;
  accessToken: string;
  size: ImageSize;
}

export interface SelectionItem {
  id: string;
  name: string;
  width: number;
  height: number;
}

/** What a generated node remembers about how it was made (stored as plugin data). */
export interface GenerationRecord {
  prompt: string;
  size: ImageSize;
  sourceNodeIds: string[];
  createdAt: string;
}

/** Messages from the sandbox to the UI. Images travel one per message. */
export type PluginMessage =
  | { type: 'init'; settings: Settings }
  | { type: 'selection'; items: SelectionItem[] }
  | { type: 'thumbnail'; nodeId: string; bytes: Uint8Array }
  | { type: 'reference'; requestId: string; index: number; total: number; nodeId: string; name: string; bytes: Uint8Array }
  | { type: 'references-failed'; requestId: string; message: string }
  | { type: 'result-placed'; requestId: string; nodeId: string; width: number; height: number }
  | { type: 'result-failed'; requestId: string; message: string };

/** Messages from the UI to the sandbox. */
export type UiMessage =
  | { type: 'ready' }
  | { type: 'export-references'; requestId: string }
  | { type: 'place-result'; requestId: string; bytes: Uint8Array; generation: GenerationRecord }
  | { type: 'save-settings'; settings: Settings };

export type MessageHandlers<M extends { type: string }> = {
  [K in M['type']]: (message: Extract<M, { type: K }>) => void | Promise<void>;
};

/** Calls the handler for the message's type; every type must have one, so a new message cannot go unhandled. */
export function dispatch<M extends { type: string }>(handlers: MessageHandlers<M>, message: M): void | Promise<void> {
  const handler = handlers[message.type as M['type']] as (message: M) => void | Promise<void>;
  return handler(message);
}
