/**
 * What one request to the relay may hold. The relay sets them from its environment (relay/config.ts)
 * and publishes them in `/healthz`, so the plugin refuses what would be refused before uploading it.
 */
export interface RequestLimits {
  maxImages: number;
  maxImageBytes: number;
  maxTotalImageBytes: number;
  maxPromptChars: number;
}

/** What the relay takes of references: the sandbox checks the selection against it as it exports. */
export type ReferenceLimits = Pick<RequestLimits, 'maxImages' | 'maxImageBytes' | 'maxTotalImageBytes'>;

export const MB = 1024 * 1024;

export const DEFAULT_REQUEST_LIMITS: RequestLimits = { maxImages: 16, maxImageBytes: 50 * MB, maxTotalImageBytes: 64 * MB, maxPromptChars: 32_000 };

/** A byte count as a person reads it: "50 MB", "64 KB". */
export function amount(bytes: number): string {
  if (bytes >= MB) return `${Number((bytes / MB).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}
