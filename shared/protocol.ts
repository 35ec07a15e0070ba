import type { PixelBox, PixelPoint } from './region-geometry';
import type { ReferenceLimits } from './request-limits';
import type { ImageSize } from './sizes';

/** What the designer configures once; kept per user in figma.clientStorage, never in the file. */
export interface Settings {
  relayUrl: string;
  accessToken: string;
  size: ImageSize;
  /** Whether `size` is the designer's choice; until they pick one, Reimage uses the size closest to the selection's ratio. */
  sizeChosen: boolean;
  variants: number;
  /** The last variant count above 1 the designer picked (4 until then): "Generate variants" opens with it. */
  batchVariants: number;
  /** Over how many pixels a region edit's seam is softened, each side of the shape's edge. */
  featherPx: number;
}

export interface SelectionItem {
  id: string;
  name: string;
  width: number;
  height: number;
  /** Whether the layer can take an image fill, so the result can replace it in place. */
  fillable: boolean;
}

/** A selection that can be a region edit (a layer and the shape over it), or what to select instead. */
export type RegionSelection =
  | {
      layerId: string;
      shapeId: string;
      layerName: string;
      shapeName: string;
      layerFillable: boolean;
      /** The size of the crop it will send, in pixels, for the size it will ask for. */
      crop: { width: number; height: number };
    }
  | { problem: string };

/**
 * What a region edit's composite needs besides pixels, kept with the job and the result. The pixels
 * themselves (the layer's export runs to megabytes; clientStorage holds 5 MB for everything, plugin
 * data 100 kB an entry) are exported again from the file when a resumed job's answer arrives.
 */
export interface RegionRecord {
  layerId: string;
  shapeId: string;
  /** The part of the layer's export that was sent, in its pixels: the answer goes back there. */
  crop: PixelBox;
  /** The size of the layer's export the crop was cut from; an export of another size since cannot take the answer. */
  layerPixels: { width: number; height: number };
  featherPx: number;
}

/** What a generated node remembers about how it was made (stored as plugin data). */
export interface GenerationRecord {
  prompt: string;
  size: ImageSize;
  sourceNodeIds: string[];
  createdAt: string;
  /** Which of a batch's variants this is ("variant 3 of 8"); absent for a single result. */
  variant?: { number: number; of: number };
  /** Set for an edit inside a shape: its sources are the layer and the shape. */
  region?: RegionRecord;
}

/** Where a result goes: beside its sources (or the viewport centre without any), or into a layer's fills. */
export type Placement = { kind: 'beside' } | { kind: 'replace'; nodeId: string };

/** Whether a relay calls the provider or its offline demo upstream: their times differ by minutes. */
export type RelayMode = 'demo' | 'live';

/** One placed image as history keeps it; the entries of one batch (its variants) are listed as one generation. */
export interface HistoryEntry {
  id: string;
  /** The generation it belongs to and its place there; entries stored before batches were kept have none, and are each a generation of their own. */
  batch?: { id: string; index: number };
  prompt: string;
  size: ImageSize;
  referenceNames: string[];
  durationMs: number;
  /** The mode of the relay that made it, so a live estimate is learned from live runs only (absent before it was recorded). */
  mode?: RelayMode;
  createdAt: string;
  jobId?: string;
  thumbnail?: Uint8Array;
  /**
   * Set for an edit inside a shape, with the file it was made in: the relay keeps only the model's
   * answer, so placing it again puts it back into that file's layer first.
   */
  region?: RegionRecord & { fileId: string };
}

/**
 * A job the plugin asked a relay for: kept in clientStorage from before its upload until its image
 * is placed, so closing the plugin loses nothing. Never in the file: it holds the access token.
 */
export interface PendingJob {
  /** Sent with every submit of this job: the relay answers a repeat with the job it already has. */
  idempotencyKey: string;
  /** The relay's id for the job, once it answered the submit; without one the job may never have reached it. */
  jobId?: string;
  /** The relay the job was sent to and the token made for it: the job is asked for there, with that token, and nowhere else. */
  relayUrl: string;
  accessToken: string;
  generation: GenerationRecord;
  placement: Placement;
  referenceNames: string[];
  submittedAt: string;
}

export interface SavedPrompt {
  id: string;
  prompt: string;
}

/** How the plugin was started: from the menu, a relaunch button on a generated node, or Quick Actions. */
export type Launch =
  | { command: 'open' | 'settings' }
  | { command: 'generate-variants'; variants: number }
  | { command: 'edit-again'; prompt: string; size: ImageSize }
  | { command: 'more-variants'; prompt: string; size: ImageSize; variants: number }
  | { command: 'quick-edit'; prompt: string; size: ImageSize };

export interface InitState {
  settings: Settings;
  launch: Launch;
  history: HistoryEntry[];
  savedPrompts: SavedPrompt[];
  /** This file's jobs: each is resumed and placed only in the file it was started in. */
  pendingJobs: PendingJob[];
  /** How many jobs of other files wait, to be resumed when their file is opened. */
  waitingElsewhere: number;
  /** This file's id for Reimage (node ids repeat from file to file): a History region edit is placed again only in its own file. */
  fileId: string;
  /** What went wrong while opening (the panel opens all the same), in words that say what to do. */
  problem?: string;
}

/** Messages from the sandbox to the UI. Images travel one per message. */
export type PluginMessage =
  | ({ type: 'init' } & InitState)
  | { type: 'selection'; items: SelectionItem[]; region: RegionSelection }
  | { type: 'thumbnail'; nodeId: string; bytes: Uint8Array }
  | { type: 'reference'; requestId: string; index: number; total: number; nodeId: string; name: string; bytes: Uint8Array }
  /** A region edit's layer (at `offset` 0, 0) or its shape, placed at `offset` in the layer's export pixels; its alpha is the mask. */
  | { type: 'region-part'; requestId: string; part: 'layer' | 'mask'; nodeId: string; name: string; bytes: Uint8Array; offset: PixelPoint }
  | { type: 'references-failed'; requestId: string; message: string }
  /** Answers record-job once the job is in clientStorage, or says why it could not be stored. */
  | { type: 'job-recorded'; requestId: string; problem?: string }
  | { type: 'result-placed'; requestId: string; nodeId: string; width: number; height: number }
  /** Hands the image back: the UI gave its bytes away with place-result, and keeps them only for a result Figma could not place. */
  | { type: 'result-failed'; requestId: string; message: string; bytes: Uint8Array }
  | { type: 'history'; entries: HistoryEntry[] }
  | { type: 'saved-prompts'; prompts: SavedPrompt[] }
  /** The designer pressed a notification's button. */
  | { type: 'notification-action'; action: NotificationAction };

/** What a notification's button asks the UI to do. */
export type NotificationAction = 'cancel';

/** How the sandbox should place one result, and what to remember of it. */
export interface PlaceOptions {
  generation: GenerationRecord;
  placement: Placement;
  jobId?: string;
  batch?: { id: string; index: number };
  history?: Omit<HistoryEntry, 'id' | 'thumbnail' | 'createdAt'>;
  /** Shown with figma.notify once placed (when the panel is small or hidden). */
  notify?: string;
}

/** Messages from the UI to the sandbox. */
export type UiMessage =
  | { type: 'ready' }
  /**
   * Exports the selection, or the given layers (a resumed job's sources) when `nodeIds` is set. With
   * the relay's limits, the export stops at the first layer that shows the selection is too large.
   */
  | { type: 'export-references'; requestId: string; limits?: ReferenceLimits; nodeIds?: string[] }
  /** Exports the selection's region edit, or these layers' (a resumed job's): answered by two region-part messages, or references-failed. */
  | { type: 'export-region'; requestId: string; nodeIds?: { layerId: string; shapeId: string } }
  | ({ type: 'place-result'; requestId: string; bytes: Uint8Array } & PlaceOptions)
  | { type: 'arrange-batch'; batchId: string }
  | { type: 'save-settings'; settings: Settings }
  | { type: 'record-job'; requestId: string; job: PendingJob }
  | { type: 'job-started'; idempotencyKey: string; jobId: string }
  | { type: 'job-settled'; idempotencyKey: string }
  | { type: 'save-prompt'; prompt: string }
  | { type: 'delete-prompt'; id: string }
  /**
   * With `button`, the notification stays until the next one with a button replaces it or the plugin
   * closes (a progress notice with Cancel); pressing it answers notification-action.
   */
  | { type: 'notify'; message: string; error?: boolean; button?: { text: string; action: NotificationAction } }
  | { type: 'resize'; height: number }
  /** Ends the plugin once the sandbox finished what was asked before; with `error`, `message` shows as an error notification. */
  | { type: 'close'; message?: string; error?: boolean };

export type MessageHandlers<M extends { type: string }> = {
  [K in M['type']]: (message: Extract<M, { type: K }>) => void | Promise<void>;
};

/** Calls the handler for the message's type; every type must have one, so a new message cannot go unhandled. */
export function dispatch<M extends { type: string }>(handlers: MessageHandlers<M>, message: M): void | Promise<void> {
  const handler = handlers[message.type as M['type']] as (message: M) => void | Promise<void>;
  return handler(message);
}
