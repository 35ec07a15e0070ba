import type { RequestLimits } from '../shared/request-limits';

// The limits are shared with the plugin, which reads them from /healthz.
export { amount, DEFAULT_REQUEST_LIMITS, MB, type RequestLimits } from '../shared/request-limits';

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
