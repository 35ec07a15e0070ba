import { useState } from 'preact/hooks';
import type { Settings } from '../../shared/protocol';
import { relayUrlProblem } from '../relay-client';

interface Props {
  settings: Settings;
  open: boolean;
  onSave: (settings: Settings) => void;
}

/** Relay URL and access token; saved per user when a field is left. */
export function SettingsPanel({ settings, open, onSave }: Props) {
  const [relayUrl, setRelayUrl] = useState(settings.relayUrl);
  const [accessToken, setAccessToken] = useState(settings.accessToken);
  const urlProblem = relayUrlProblem(relayUrl);

  const save = () => {
    if (!urlProblem) onSave({ ...settings, relayUrl: relayUrl.trim(), accessToken: accessToken.trim() });
  };

  return (
    <details class="panel settings" open={open || undefined}>
      <summary>Settings</summary>
      <label class="field">
        <span>Relay URL</span>
        <input
          type="url"
          value={relayUrl}
          spellcheck={false}
          aria-invalid={urlProblem ? true : undefined}
          onInput={(e) => setRelayUrl(e.currentTarget.value)}
          onChange={save}
        />
      </label>
      {urlProblem && <p class="field-error">{urlProblem}</p>}
      <label class="field">
        <span>Access token</span>
        <input
          type="password"
          value={accessToken}
          autocomplete="off"
          placeholder="Not needed for a relay on this computer"
          onInput={(e) => setAccessToken(e.currentTarget.value)}
          onChange={save}
        />
      </label>
      <p class="hint">Kept on this computer for you only, never in the Figma file.</p>
    </details>
  );
}
