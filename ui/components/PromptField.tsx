import { useEffect, useRef } from 'preact/hooks';
import type { SavedPrompt } from '../../shared/protocol';
import { BUILT_IN_PRESETS } from '../prompt-presets';
import type { TeamPreset } from '../../shared/team-preset';

interface Props {
  prompt: string;
  /** What Generate will do, for an example prompt that fits it. */
  mode: 'edit' | 'generate';
  savedPrompts: SavedPrompt[];
  /** The presets the relay's admin keeps for the team, listed first. */
  teamPresets: readonly TeamPreset[];
  onChange: (prompt: string) => void;
  onSubmit: () => void;
  onSave: (prompt: string) => void;
  onDelete: (id: string) => void;
}

/** One group of the Presets menu: each option's text is its label, its value the prompt it fills in. */
function PresetGroup({ label, presets }: { label: string; presets: readonly { label: string; prompt: string }[] }) {
  return (
    <optgroup label={label}>
      {presets.map((preset) => (
        <option key={preset.label} value={preset.prompt}>
          {preset.label}
        </option>
      ))}
    </optgroup>
  );
}

/** The prompt, focused when the panel opens, with the team's presets, built-in ones and the user's own saved prompts. Cmd/Ctrl+Enter generates. */
export function PromptField({ prompt, mode, savedPrompts, teamPresets, onChange, onSubmit, onSave, onDelete }: Props) {
  const saved = savedPrompts.find((entry) => entry.prompt === prompt);
  const field = useRef<HTMLTextAreaElement>(null);
  useEffect(() => field.current?.focus(), []);
  return (
    <div class="field">
      <div class="field-head">
        <label for="prompt">Prompt</label>
        <span class="field-tools">
          <select
            class="presets"
            aria-label="Presets"
            value=""
            onChange={(e) => {
              if (e.currentTarget.value) onChange(e.currentTarget.value);
            }}
          >
            <option value="">Presets…</option>
            {teamPresets.length > 0 && <PresetGroup label="Team presets" presets={teamPresets} />}
            <PresetGroup label="Built in" presets={BUILT_IN_PRESETS} />
            {savedPrompts.length > 0 && (
              <optgroup label="Saved">
                {savedPrompts.map((entry) => (
                  <option key={entry.id} value={entry.prompt}>
                    {entry.prompt.length > 40 ? `${entry.prompt.slice(0, 39)}…` : entry.prompt}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
          {saved ? (
            <button type="button" class="link" onClick={() => onDelete(saved.id)}>
              Remove from saved
            </button>
          ) : (
            <button type="button" class="link" disabled={prompt.trim() === ''} onClick={() => onSave(prompt.trim())}>
              Save prompt
            </button>
          )}
        </span>
      </div>
      <textarea
        id="prompt"
        ref={field}
        rows={4}
        value={prompt}
        placeholder={mode === 'edit' ? 'Make it a watercolor illustration, keep the layout' : 'A paper-cut fox in a misty forest'}
        onInput={(e) => onChange(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
            e.preventDefault();
            onSubmit();
          }
        }}
      />
    </div>
  );
}
