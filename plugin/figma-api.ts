/**
 * The part of Figma's plugin API the sandbox uses. The real `figma` global satisfies it; tests
 * pass a typed fake.
 */
export interface FigmaApi {
  readonly ui: Pick<UIAPI, 'postMessage' | 'onmessage' | 'resize'>;
  readonly clientStorage: Pick<ClientStorageAPI, 'getAsync' | 'setAsync' | 'deleteAsync'>;
  readonly viewport: Pick<ViewportAPI, 'center' | 'scrollAndZoomIntoView'>;
  readonly root: DocumentNode;
  readonly currentPage: PageNode;
  setCurrentPageAsync(page: PageNode): Promise<void>;
  readonly mixed: PluginAPI['mixed'];
  on(type: 'selectionchange', callback: () => void): void;
  createImage(data: Uint8Array): Image;
  commitUndo(): void;
  createRectangle(): RectangleNode;
  getNodeByIdAsync(id: string): Promise<BaseNode | null>;
  notify(message: string, options?: NotificationOptions): NotificationHandler;
  closePlugin(message?: string): void;
}
