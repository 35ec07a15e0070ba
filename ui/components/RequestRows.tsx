import { formatDuration, overrunText, progressOf } from '../expected-time';
import { secondsUntil } from '../relay-down';
import type { VariantState } from '../variant-run';

export interface RequestRow {
  key: string;
  label: string;
  state: VariantState;
  startedAt: number;
  expectedSeconds: number;
  /** Whether the request can be sent again (a job resumed from an earlier session cannot). */
  retryable: boolean;
}

interface Props {
  rows: readonly RequestRow[];
  now: number;
  onCancel: (key: string) => void;
  onRetry: (key: string) => void;
  onPlaceAgain: (key: string) => void;
  onDownload: (bytes: Uint8Array) => string;
}

const PHASE_TEXT: Record<VariantState['phase'], string> = {
  queued: 'Waiting for a free slot…',
  submitting: 'Sending to the relay…',
  running: 'Generating…',
  placing: 'Placing on the canvas…',
  placed: 'Placed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** A relay that cannot be reached is said once, in the banner at the top; a row only says it waits. */
function retryText(retry: Extract<VariantState, { phase: 'running' }>['retry'], now: number): string | undefined {
  if (!retry) return undefined;
  if (retry.unreachable) return 'Waiting for the relay…';
  const seconds = secondsUntil(retry.retryAt, now);
  return `${retry.reason.replace(/\.$/, '')}: trying again ${seconds > 0 ? `in ${seconds} s` : 'now'}.`;
}

function RowStatus({ row, now }: { row: RequestRow; now: number }) {
  const { state } = row;
  if (state.phase === 'placed') return <span class="success">Placed {state.width}×{state.height}</span>;
  if (state.phase === 'failed') return <span class="row-error">{state.message}</span>;
  if (state.phase === 'cancelled') return <span class="hint">Cancelled</span>;
  const elapsed = Math.max(0, (now - row.startedAt) / 1000);
  const retry = state.phase === 'running' ? retryText(state.retry, now) : undefined;
  const progress = progressOf(elapsed, row.expectedSeconds);
  // Past the estimate the bar has nothing true to show: it turns indeterminate and the text says why.
  return (
    <>
      {progress.kind === 'estimate' ? (
        <span>
          {retry ?? PHASE_TEXT[state.phase]}{' '}
          <span class="elapsed">
            {formatDuration(elapsed)} of about {formatDuration(row.expectedSeconds)}
          </span>
        </span>
      ) : (
        <span class="overrun">{retry ?? overrunText(elapsed)}</span>
      )}
      {progress.kind === 'estimate' ? (
        <progress max={1} value={progress.fraction} aria-label={`${row.label} progress`} />
      ) : (
        <progress aria-label={`${row.label} progress, past the usual time`} />
      )}
    </>
  );
}

/** One row per requested image: its status, elapsed time against the expected time, and what can be done. */
export function RequestRows({ rows, now, onCancel, onRetry, onPlaceAgain, onDownload }: Props) {
  if (rows.length === 0) return null;
  return (
    <ul class="requests" aria-label="Requests" role="status" aria-live="polite">
      {rows.map((row) => {
        const { state } = row;
        const active = state.phase !== 'placed' && state.phase !== 'failed' && state.phase !== 'cancelled';
        return (
          <li key={row.key} class={`request request-${state.phase}`}>
            <div class="request-head">
              <strong>{row.label}</strong>
              <span class="request-actions">
                {active && (
                  <button type="button" class="link" onClick={() => onCancel(row.key)}>
                    Cancel
                  </button>
                )}
                {row.retryable && (state.phase === 'failed' || state.phase === 'cancelled') && !('unplaced' in state && state.unplaced) && (
                  <button type="button" class="link" onClick={() => onRetry(row.key)}>
                    Retry
                  </button>
                )}
                {state.phase === 'failed' && state.unplaced && (
                  <>
                    <button type="button" class="link" onClick={() => onPlaceAgain(row.key)}>
                      Place again
                    </button>
                    <a class="link" href={onDownload(state.unplaced.bytes)} download="reimage.png">
                      Download PNG
                    </a>
                  </>
                )}
              </span>
            </div>
            <div class="request-status" role={state.phase === 'failed' ? 'alert' : undefined}>
              <RowStatus row={row} now={now} />
            </div>
          </li>
        );
      })}
    </ul>
  );
}
