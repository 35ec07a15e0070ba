import { useState } from 'preact/hooks';
import type { Settings } from '../../shared/protocol';
import { MAX_FEATHER_PX } from '../../shared/region-geometry';
import { type ConnectionStatus, connectionText } from '../connection-status';
import { relayUrlProblem } from '../relay-client';

interface Props {
  settings: Settings;
  /** The check of the saved relay URL and token. */
  connection: ConnectionStatus;
  onSave: (settings: Settings) => void;
  onClose: () => void;
}

/** Relay URL and access token, behind the header's gear; saved per user when a field is left, then checked with the relay. */
export function SettingsPanel({ settings, connection, onSave, onClose }: Props) {
  const [relayUrl, setRelayUrl] = useState(settings.relayUrl);
  const [accessToken, setAccessToken] = useState(settings.accessToken);
  const [feather, setFeather] = useState(String(settings.featherPx));
  const urlProblem = relayUrlProblem(relayUrl);
  const featherPx = Number(feather);
  const featherProblem = Number.isInteger(featherPx) && featherPx >= 0 && featherPx <= MAX_FEATHER_PX ? undefined : `A whole number of pixels from 0 to ${MAX_FEATHER_PX}.`;

  const save = () => {
    if (!urlProblem && !featherProblem) onSave({ ...settings, relayUrl: relayUrl.trim(), accessToken: accessToken.trim(), featherPx });
  };

  return (
    <section id="settings" class="settings" aria-labelledby="settings-title">
      <div class="settings-head">
        <h2 id="settings-title">Settings</h2>
        <button type="button" class="link" onClick={onClose}>
          Done
        </button>
      </div>
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
          aria-describedby="connection"
          aria-invalid={connection.state === 'problem' && connection.tokenRejected ? true : undefined}
          placeholder="Not needed for a demo relay on this computer"
          onInput={(e) => setAccessToken(e.currentTarget.value)}
          onChange={save}
        />
      </label>
      <p id="connection" class={`connection connection-${connection.state}`} aria-live="polite">
        {connectionText(connection)}
      </p>
      <label class="field">
        <span>Soften the edge of edits inside a shape (px)</span>
        <input
          type="number"
          min={0}
          max={MAX_FEATHER_PX}
          step={1}
          value={feather}
          aria-invalid={featherProblem ? true : undefined}
          onInput={(e) => setFeather(e.currentTarget.value)}
          onChange={save}
        />
      </label>
      {featherProblem && <p class="field-error">{featherProblem}</p>}
      <p class="hint">Kept on this computer for you only, never in the Figma file.</p>
    </section>
  );
}
