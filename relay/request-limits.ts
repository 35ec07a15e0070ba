/** What one request may hold. All are set by environment variables (see config.ts). */
export interface RequestLimits {
  maxImages: number;
  maxImageBytes: number;
  maxTotalImageBytes: number;
  maxPromptChars: number;
}

export const MB = 1024 * 1024;

export const DEFAULT_REQUEST_LIMITS: RequestLimits = { maxImages: 16, maxImageBytes: 50 * MB, maxTotalImageBytes: 64 * MB, maxPromptChars: 32_000 };

/** A text field can take up to 4 bytes per character in UTF-8, more escaped in JSON. */
const MAX_BYTES_PER_PROMPT_CHAR = 6;
/** Room for the other fields and the multipart or JSON framing. */
const FRAMING_BYTES = 256 * 1024;

/** The most bytes a valid edit body can have: anything longer is refused. */
export function maxEditBodyBytes(limits: RequestLimits): number {
  return limits.maxTotalImageBytes + limits.maxPromptChars * MAX_BYTES_PER_PROMPT_CHAR + FRAMING_BYTES;
}

/** The most bytes a valid generation body (JSON, a prompt and a size) can have. */
export function maxGenerateBodyBytes(limits: RequestLimits): number {
  return limits.maxPromptChars * MAX_BYTES_PER_PROMPT_CHAR + FRAMING_BYTES;
}

/** A byte count as a person reads it: "50 MB", "64 KB". */
export function amount(bytes: number): string {
  if (bytes >= MB) return `${Number((bytes / MB).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}
