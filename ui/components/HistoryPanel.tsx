import { useMemo } from 'preact/hooks';
import { type Generation, groupHistory } from '../../shared/history-groups';
import type { HistoryEntry } from '../../shared/protocol';
import { sizeText } from '../../shared/sizes';
import { formatDuration } from '../expected-time';

interface Props {
  entries: HistoryEntry[];
  onReuse: (entry: HistoryEntry) => void;
  onPlaceAgain: (entry: HistoryEntry) => void;
  toImageUrl: (bytes: Uint8Array) => string;
}

function details(generation: Generation): string {
  const count = generation.variants.length;
  const references = generation.referenceNames.length;
  return [
    sizeText(generation.size),
    ...(count > 1 ? [`${count} variants`] : []),
    `took ${formatDuration(generation.tookMs / 1000)}`,
    references === 0 ? 'text to image' : references === 1 ? '1 reference' : `${references} references`,
  ].join(' · ');
}

/** One entry per generation, its variants as thumbnails: reuse its prompt and size, or place a variant again while the relay still holds it. */
export function HistoryPanel({ entries, onReuse, onPlaceAgain, toImageUrl }: Props) {
  const generations = useMemo(() => groupHistory(entries), [entries]);
  return (
    <details class="panel">
      <summary>History ({generations.length})</summary>
      {generations.length === 0 && <p class="hint">Your generations will be listed here.</p>}
      <ul class="history" aria-label="History">
        {generations.map((generation) => (
          <li key={generation.id} class="generation">
            <p class="history-prompt" title={generation.prompt}>
              {generation.prompt}
            </p>
            <p class="hint">{details(generation)}</p>
            <div class="generation-foot">
              <ul class="history-variants" aria-label="Variants">
                {generation.variants.map((entry, index) => {
                  const image = entry.thumbnail ? <img src={toImageUrl(entry.thumbnail)} alt="" /> : <span class="thumb-placeholder" />;
                  const name = generation.variants.length > 1 ? `variant ${index + 1}` : 'the image';
                  return (
                    <li key={entry.id}>
                      {entry.jobId ? (
                        <button type="button" class="thumb" title={`Place ${name} again`} aria-label={`Place ${name} again`} onClick={() => onPlaceAgain(entry)}>
                          {image}
                        </button>
                      ) : (
                        image
                      )}
                    </li>
                  );
                })}
              </ul>
              <p class="history-actions">
                <button type="button" class="link" onClick={() => onReuse(generation.variants[0])}>
                  Reuse prompt
                </button>
                {generation.variants.length === 1 && generation.variants[0].jobId && (
                  <button type="button" class="link" onClick={() => onPlaceAgain(generation.variants[0])}>
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
