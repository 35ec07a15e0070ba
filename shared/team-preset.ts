/** A prompt preset the relay's admin keeps for the whole team (GET /v1/presets); the plugin lists them as "Team presets". */
export interface TeamPreset {
  id: string;
  label: string;
  prompt: string;
}
