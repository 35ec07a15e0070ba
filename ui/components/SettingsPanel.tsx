import { useState } from 'preact/hooks';
import { type Connection, readConnectionCode } from '../../shared/connection-code';
import type { Settings } from '../../shared/protocol';
import { type ConnectionStatus, connectionText } from '../connection-status';
import { relayUrlProblem } from '../relay-client';

interface Props {
  settings: Settings;
  /** The check of the saved relay URL and token. */
  connection: ConnectionStatus;
  onSave: (settings: Settings) => void;
  onClose: () => void;
}

/** What the connection code field says under it: how to use it, that a code filled the fields, or why the text is not a code. */
type CodeNote = { kind: 'hint' } | { kind: 'filled' } | { kind: 'problem'; message: string };

function codeNoteText(note: CodeNote): { className: string; text: string } {
  if (note.kind === 'problem') return { className: 'field-error', text: note.message };
  if (note.kind === 'filled') return { className: 'connection-connected', text: 'Filled in the Relay URL and Access token from your connection code.' };
  return { className: 'hint', text: 'From your admin: one paste fills in both fields below.' };
}

/** Whether an input came whole (pasted or dropped), so a text that is not a code can be said so at once rather than mid-typing. */
function arrivedWhole(event: Event): boolean {
  return event instanceof InputEvent && (event.inputType === 'insertFromPaste' || event.inputType === 'insertFromDrop');
}

/**
 * Relay URL and access token, behind the header's gear; saved per user when a field is left, then
 * checked with the relay. A connection code from the admin comes first, as the one thing a new
 * designer has to paste; a code pasted into Relay URL or Access token instead fills both as well,
 * so the token never lands in the URL.
 */
export function SettingsPanel({ settings, connection, onSave, onClose }: Props) {
  const [code, setCode] = useState('');
  const [codeNote, setCodeNote] = useState<CodeNote>({ kind: 'hint' });
  const [relayUrl, setRelayUrl] = useState(settings.relayUrl);
  const [accessToken, setAccessToken] = useState(settings.accessToken);
  const urlProblem = relayUrlProblem(relayUrl);
  const note = codeNoteText(codeNote);

  const save = () => {
    if (!urlProblem) onSave({ ...settings, relayUrl: relayUrl.trim(), accessToken: accessToken.trim() });
  };

  const fill = (pasted: Connection) => {
    setRelayUrl(pasted.relayUrl);
    setAccessToken(pasted.accessToken);
    setCode('');
    setCodeNote({ kind: 'filled' });
    onSave({ ...settings, ...pasted });
  };

  /** Fills both fields when `text` is a code; otherwise says why it is not one, if `checked`. */
  const takeCode = (text: string, checked: boolean): boolean => {
    const read = readConnectionCode(text);
    if ('connection' in read) fill(read.connection);
    else if (checked) setCodeNote(text.trim() === '' ? { kind: 'hint' } : { kind: 'problem', message: read.problem });
    return 'connection' in read;
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
        <span>Connection code</span>
        <input
          type="text"
          value={code}
          spellcheck={false}
          autocomplete="off"
          aria-describedby="connection-code-note"
          aria-invalid={codeNote.kind === 'problem' ? true : undefined}
          placeholder="https://relay.example.com#rmg_…"
          onInput={(e) => {
            setCode(e.currentTarget.value);
            takeCode(e.currentTarget.value, arrivedWhole(e));
          }}
          onChange={(e) => takeCode(e.currentTarget.value, true)}
        />
      </label>
      <p id="connection-code-note" class={note.className} aria-live="polite">
        {note.text}
      </p>
      <label class="field">
        <span>Relay URL</span>
        <input
          type="url"
          value={relayUrl}
          spellcheck={false}
          aria-invalid={urlProblem ? true : undefined}
          onInput={(e) => takeCode(e.currentTarget.value, false) || setRelayUrl(e.currentTarget.value)}
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
          onInput={(e) => takeCode(e.currentTarget.value, false) || setAccessToken(e.currentTarget.value)}
          onChange={save}
        />
      </label>
      <p id="connection" class={`connection connection-${connection.state}`} aria-live="polite">
        {connectionText(connection)}
      </p>
      <p class="hint">Kept on this computer for you only, never in the Figma file.</p>
    </section>
  );
}
