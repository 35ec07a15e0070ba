/** How long an instance's claim on its unfinished jobs and places lasts unless renewed. */
export const LEASE_MS = 30_000;
/** How often an instance renews its leases: three tries before a lease runs out. */
export const RENEW_EVERY_MS = 10_000;
/**
 * How long a replaced or deleted image's pieces stay readable, for the downloads that opened it
 * before: far longer than a download of a few megabytes takes.
 */
export const ORPHANED_IMAGE_MS = 3_600_000;
