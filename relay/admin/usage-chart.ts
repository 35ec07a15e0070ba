import { html } from 'hono/html';
import type { UsageRecord } from '../store/usage';
import type { UsageMonth } from '../usage-month';
import type { Html } from './admin-pages';

/** Images made per person per day of the month (index 0 is the 1st), for everyone in `names` and anyone with records. */
export function dailyImages(records: readonly UsageRecord[], names: readonly string[], month: UsageMonth): Map<string, number[]> {
  const days = Math.round((month.to.getTime() - month.from.getTime()) / 86_400_000);
  const perPerson = new Map<string, number[]>(names.map((name) => [name, new Array<number>(days).fill(0)]));
  for (const record of records) {
    if (record.outcome !== 'succeeded') continue;
    const day = new Date(record.at).getUTCDate() - 1;
    let counts = perPerson.get(record.client);
    if (!counts) perPerson.set(record.client, (counts = new Array<number>(days).fill(0)));
    counts[day]++;
  }
  return new Map([...perPerson].sort(([a], [b]) => a.localeCompare(b)));
}

/** A day of the month as the chart and its table name it: 2026-12-05 (index 0 is the 1st). */
function dayLabel(month: UsageMonth, day: number): string {
  return `${month.label}-${String(day + 1).padStart(2, '0')}`;
}

const WIDTH = 880;
const LABEL_WIDTH = 140;
const ROW_HEIGHT = 44;
const BAR_AREA = 30;
const AXIS_HEIGHT = 22;

/**
 * The month's images per day as one row of bars per person, on one scale, drawn as inline SVG (no
 * script); its title and description say what it shows, and the same numbers follow as a table for
 * screen readers and for reading exact values.
 */
export function usageChart(month: UsageMonth, daily: Map<string, number[]>): Html {
  const rows = [...daily];
  const total = (counts: number[]) => counts.reduce((sum, n) => sum + n, 0);
  if (rows.every(([, counts]) => total(counts) === 0)) return html`<p class="secondary">No one has made an image in ${month.label} yet.</p>`;
  const days = rows[0][1].length;
  const max = Math.max(1, ...rows.flatMap(([, counts]) => counts));
  const column = (WIDTH - LABEL_WIDTH) / days;
  const height = rows.length * ROW_HEIGHT + AXIS_HEIGHT;
  const bars = rows.map(([name, counts], row) => {
    const base = row * ROW_HEIGHT + BAR_AREA + 4;
    return html`<g>
      <text class="name" x="0" y="${base - 8}">${name} (${total(counts)})</text>
      <line class="grid" x1="${LABEL_WIDTH}" x2="${WIDTH}" y1="${base}" y2="${base}" />
      ${counts.map((count, day) => {
        if (count === 0) return '';
        const barHeight = Math.max(2, (count / max) * BAR_AREA);
        return html`<rect class="bar" x="${(LABEL_WIDTH + day * column + 1).toFixed(1)}" y="${(base - barHeight).toFixed(1)}" width="${Math.max(1, column - 2).toFixed(1)}" height="${barHeight.toFixed(1)}"><title>${name}, ${dayLabel(month, day)}: ${count} image${count === 1 ? '' : 's'}</title></rect>`;
      })}
    </g>`;
  });
  const ticks = [1, 8, 15, 22, days].map(
    (day) => html`<text class="axis" x="${(LABEL_WIDTH + (day - 0.5) * column).toFixed(1)}" y="${height - 6}" text-anchor="middle">${day}</text>`,
  );
  return html`<figure class="chart">
    <svg viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="chart-title chart-desc">
      <title id="chart-title">Images per day per person, ${month.label}</title>
      <desc id="chart-desc">One row of bars per person, one bar per day of the month (UTC); the tallest bar is ${max} image${max === 1 ? '' : 's'}.</desc>
      ${bars}${ticks}
    </svg>
    <details>
      <summary>The same as a table</summary>
      <table>
        <caption class="secondary">Images made per day in ${month.label} (only days with images)</caption>
        <thead><tr><th scope="col">Person</th><th scope="col">Day</th><th scope="col" class="number">Images</th></tr></thead>
        <tbody>
          ${rows.flatMap(([name, counts]) =>
            counts.flatMap((count, day) => (count === 0 ? [] : [html`<tr><td>${name}</td><td>${dayLabel(month, day)}</td><td class="number">${count}</td></tr>`])),
          )}
        </tbody>
      </table>
    </details>
  </figure>`;
}
