/**
 * The advisory locks the relay takes, as the first of PostgreSQL's two 32-bit keys (the second
 * says which one of its kind), so they never meet each other, nor a single-key lock of another
 * program on the same database.
 */
export const LOCK = {
  /** Held while migrations run, so instances starting together apply each migration once. */
  migrations: 0x52_4d_00_01,
  /** Held by the one instance deleting expired jobs. */
  cleanup: 0x52_4d_00_02,
  /** Per client (second key: hashtext(client)), while its places are counted and one is taken. */
  clientPlaces: 0x52_4d_00_03,
  /** Per client and Idempotency-Key (second key: hashtext of both), while a keyed job is created. */
  jobKey: 0x52_4d_00_04,
} as const;
