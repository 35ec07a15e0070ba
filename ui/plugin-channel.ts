import type { PluginMessage, UiMessage } from '../shared/protocol';

/** Sends a message to the sandbox; buffers listed in `transfer` move there instead of being copied, and are empty here after. */
export function postToPlugin(message: UiMessage, transfer: Transferable[] = []): void {
  parent.postMessage({ pluginMessage: message }, '*', transfer);
}

/** Subscribes to messages from the sandbox; returns the unsubscribe function. */
export function onPluginMessage(handler: (message: PluginMessage) => void): () => void {
  const listener = (event: MessageEvent) => {
    const message = (event.data as { pluginMessage?: PluginMessage } | null)?.pluginMessage;
    if (message && typeof message.type === 'string') handler(message);
  };
  window.addEventListener('message', listener);
  return () => window.removeEventListener('message', listener);
}

/** Waits for the first sandbox message that `accept` maps to a value (it returns undefined to keep waiting). */
export function waitForPluginMessage<T>(accept: (message: PluginMessage) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const stop = onPluginMessage((message) => {
      const value = accept(message);
      if (value !== undefined) {
        stop();
        resolve(value);
      }
    });
  });
}
