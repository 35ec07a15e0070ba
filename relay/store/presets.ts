import { randomBytes } from 'node:crypto';
import type { TeamPreset } from '../../shared/team-preset';

export type { TeamPreset };

/** The team's prompt presets, in the order they were added. */
export interface TeamPresets {
  list(): Promise<TeamPreset[]>;
  /** Adds a preset (label and prompt already checked) and resolves it with its new id. */
  add(preset: Omit<TeamPreset, 'id'>): Promise<TeamPreset>;
  /** Removes a preset; resolves false when there was none with this id. */
  remove(id: string): Promise<boolean>;
}

/** A new preset's id: unguessable is not needed, unique is. */
export function newPresetId(): string {
  return `pre_${randomBytes(6).toString('base64url')}`;
}
