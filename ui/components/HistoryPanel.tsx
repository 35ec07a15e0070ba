import { useMemo } from 'preact/hooks';
import type { HistoryEntry } from '../../shared/protocol';
import { formatDuration } from '../expected-time';

interface Props {
  entries: HistoryEntry[];
  onReuse: (entry: HistoryEntry) => void;
  onPlaceAgain: (entry: HistoryEntry) => void;
  toImageUrl: (bytes: Uint8Array) => string;
}

/** The last generations: reuse a prompt and size, or place a result again while the relay still holds it. */
export function HistoryPanel({ entries, onReuse, onPlaceAgain, toImageUrl }: Props) {
  const thumbnails = useMemo(() => entries.map((entry) => (entry.thumbnail ? toImageUrl(entry.thumbnail) : undefined)), [entries]);
  return (
    <details class="panel">
      <summary>History ({entries.length})</summary>
      {entries.length === 0 && <p class="hint">Your generations will be listed here.</p>}
      <ul class="history">
        {entries.map((entry, i) => (
          <li key={entry.id}>
            {thumbnails[i] ? <img src={thumbnails[i]} alt="" /> : <span class="thumb-placeholder" />}
            <div class="history-text">
              <p class="history-prompt" title={entry.prompt}>
                {entry.prompt}
              </p>
              <p class="hint">
                {entry.size} · {formatDuration(entry.durationMs / 1000)}
                {entry.referenceNames.length > 0 ? ` · ${entry.referenceNames.length} ref.` : ' · text to image'}
              </p>
              <p class="history-actions">
                <button type="button" class="link" onClick={() => onReuse(entry)}>
                  Reuse prompt
                </button>
                {entry.jobId && (
                  <button type="button" class="link" onClick={() => onPlaceAgain(entry)}>
                    Place again
                  </button>
                )}
              </p>
            </div>
          </li>
        ))}
      </ul>
    </details>
  );
}
