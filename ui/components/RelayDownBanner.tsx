import { outageText, type RelayOutage } from '../relay-down';

interface Props {
  outage: RelayOutage;
  now: number;
  onRetryNow: () => void;
}

/** The one place that says the relay is down, while it is: a live countdown to the next try, and Retry now. */
export function RelayDownBanner({ outage, now, onRetryNow }: Props) {
  return (
    <div class="banner warning relay-down" role="alert">
      <p>
        <strong>{outageText(outage, now)}</strong>
      </p>
      <p class="hint">Check that it is running (npm start) and that the Relay URL in Settings is right. Nothing is lost: images on their way are placed once it is back.</p>
      <button type="button" class="secondary" onClick={onRetryNow}>
        Retry now
      </button>
    </div>
  );
}
