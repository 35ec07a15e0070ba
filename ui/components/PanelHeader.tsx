interface Props {
  /** How many layers Generate sends; 0 makes a new image from the prompt alone. */
  layerCount: number;
  /** Set for an edit inside a shape: the layer it changes. */
  regionLayer?: string;
  settingsOpen: boolean;
  /** Shown on the gear while the relay refuses the saved token or cannot be reached. */
  settingsProblem: boolean;
  onToggleSettings: () => void;
}

const GEAR =
  'M13.27 6.82 L14.94 7.09 L14.94 8.91 L13.27 9.18 L12.56 10.89 L13.55 12.27 L12.27 13.55 L10.89 12.56 L9.18 13.27 L8.91 14.94 ' +
  'L7.09 14.94 L6.82 13.27 L5.11 12.56 L3.73 13.55 L2.45 12.27 L3.44 10.89 L2.73 9.18 L1.06 8.91 L1.06 7.09 L2.73 6.82 L3.44 5.11 ' +
  'L2.45 3.73 L3.73 2.45 L5.11 3.44 L6.82 2.73 L7.09 1.06 L8.91 1.06 L9.18 2.73 L10.89 3.44 L12.27 2.45 L13.55 3.73 L12.56 5.11 Z ' +
  'M10.2 8 A2.2 2.2 0 1 0 5.8 8 A2.2 2.2 0 1 0 10.2 8 Z';

/** What Generate will do with the selection, and the gear that opens Settings. */
export function PanelHeader({ layerCount, regionLayer, settingsOpen, settingsProblem, onToggleSettings }: Props) {
  return (
    <header class="panel-header">
      <p class="mode" aria-live="polite">
        {regionLayer !== undefined ? (
          <>
            <strong>Edit inside the shape</strong> · the rest of “{regionLayer}” stays
          </>
        ) : layerCount > 0 ? (
          <>
            <strong>Edit</strong> · {layerCount === 1 ? '1 layer as a reference' : `${layerCount} layers as references`}
          </>
        ) : (
          <>
            <strong>Text to image</strong> · from the prompt alone
          </>
        )}
      </p>
      <button
        type="button"
        class={`icon-button${settingsOpen ? ' pressed' : ''}`}
        aria-label="Settings"
        title={settingsProblem ? 'Settings: the relay or your token needs attention' : 'Settings'}
        aria-expanded={settingsOpen}
        aria-controls="settings"
        onClick={onToggleSettings}
      >
        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
          <path d={GEAR} fill="currentColor" fill-rule="evenodd" />
        </svg>
        {settingsProblem && <span class="badge" />}
      </button>
    </header>
  );
}
