import { useEffect, useRef } from 'preact/hooks';
import { clockTime, formatDuration, overrunText, progressOf } from '../expected-time';
import { secondsUntil } from '../relay-down';
import type { VariantState } from '../variant-run';

export interface RequestRow {
  key: string;
  /** Which of its run it is ("Variant 2", "Edit", "Resumed"). */
  label: string;
  prompt: string;
  /** When the designer asked for it (ms since the epoch); `startedAt` is when its job started. */
  requestedAt: number;
  state: VariantState;
  startedAt: number;
  expectedSeconds: number;
  /** Whether the request can be sent again (a job resumed from an earlier session cannot). */
  retryable: boolean;
}

interface Props {
  current: readonly RequestRow[];
  earlier: readonly RequestRow[];
  now: number;
  onCancel: (key: string) => void;
  onRetry: (key: string) => void;
  onPlaceAgain: (key: string) => void;
  onDismiss: (key: string) => void;
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

interface RowProps extends Omit<Props, 'current' | 'earlier'> {
  row: RequestRow;
}

function Row({ row, now, onCancel, onRetry, onPlaceAgain, onDismiss, onDownload }: RowProps) {
  const { state } = row;
  const settled = state.phase === 'placed' || state.phase === 'failed' || state.phase === 'cancelled';
  const title = `${row.label}: ${row.prompt}`;
  return (
    <li class={`request request-${state.phase}`}>
      <div class="request-head">
        <span class="request-title">
          <strong title={title}>{title}</strong>
          <span class="hint">started {clockTime(row.requestedAt)}</span>
        </span>
        <span class="request-actions">
          {!settled && (
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
          {settled && !(state.phase === 'failed' && state.unplaced) && (
            <button type="button" class="link dismiss" aria-label={`Dismiss ${title}`} title="Dismiss" onClick={() => onDismiss(row.key)}>
              ×
            </button>
          )}
        </span>
      </div>
      <div class="request-status" role={state.phase === 'failed' ? 'alert' : undefined}>
        <RowStatus row={row} now={now} />
      </div>
    </li>
  );
}

/**
 * One row per requested image of the latest run: its prompt and start time, its status, elapsed
 * time against the expected time, and what can be done; a settled row can be dismissed (one whose
 * image Figma could not place keeps its Download). Rows of earlier runs fold away.
 */
export function RequestRows({ current, earlier, ...actions }: Props) {
  const list = useRef<HTMLUListElement>(null);
  // A run started with Settings or History open lands below the fold of a panel that scrolls: it is
  // brought into view, and kept there as its rows grow (a longer status, an error) while the
  // designer looks at it; scrolled away from, it is left alone.
  const run = current[0]?.key;
  useEffect(() => list.current?.scrollIntoView({ block: 'nearest' }), [run]);
  useEffect(() => {
    const rows = list.current;
    if (!rows) return;
    const observer = new ResizeObserver(() => {
      const { top } = rows.getBoundingClientRect();
      if (top >= 0 && top < window.innerHeight) rows.scrollIntoView({ block: 'nearest' });
    });
    observer.observe(rows);
    return () => observer.disconnect();
  }, [current.length > 0]);
  if (current.length === 0 && earlier.length === 0) return null;
  const failedEarlier = earlier.filter((row) => row.state.phase === 'failed').length;
  return (
    <>
      <ul ref={list} class="requests" aria-label="Requests" role="status" aria-live="polite">
        {current.map((row) => (
          <Row key={row.key} row={row} {...actions} />
        ))}
      </ul>
      {earlier.length > 0 && (
        <details class="earlier-requests">
          <summary>
            Earlier requests ({earlier.length}
            {failedEarlier > 0 ? ` · ${failedEarlier} failed` : ''})
          </summary>
          <ul class="requests" aria-label="Earlier requests">
            {earlier.map((row) => (
              <Row key={row.key} row={row} {...actions} />
            ))}
          </ul>
        </details>
      )}
    </>
  );
}
