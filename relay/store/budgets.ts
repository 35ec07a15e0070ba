/**
 * A person's own monthly image cap: a whole number of images, or `unlimited` (no cap even when
 * MONTHLY_IMAGES_PER_TOKEN sets one for everyone). A person without one gets the default.
 */
export type MonthlyCap = number | 'unlimited';

/** Monthly image caps per token name, set with `token create|set --monthly-images` or on the admin page. */
export interface Budgets {
  /** The person's own cap, or undefined when they have none (the default applies). */
  get(name: string): Promise<MonthlyCap | undefined>;
  /** Sets the person's own cap; undefined removes it (back to the default). Seen by every handle at its next call. */
  set(name: string, cap: MonthlyCap | undefined): Promise<void>;
  /** Every person's own cap, by name. */
  all(): Promise<Map<string, MonthlyCap>>;
}
