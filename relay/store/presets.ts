import { randomBytes } from 'node:crypto';

/** A prompt preset the admin keeps for the whole team; the plugin lists them as "Team presets". */
export interface TeamPreset {
  id: string;
  label: string;
  prompt: string;
}

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
