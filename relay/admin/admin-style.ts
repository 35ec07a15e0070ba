/**
 * The admin page's one stylesheet: Figma's light and dark themes, picked by the browser's
 * preference. Colours keep text at WCAG AA contrast (4.5:1) on their backgrounds in both themes.
 */
export const ADMIN_STYLE = `
:root {
  color-scheme: light dark;
  font-family: Inter, system-ui, -apple-system, 'Segoe UI', sans-serif;
  font-size: 13px;
  line-height: 20px;
  --bg: #ffffff;
  --bg-secondary: #f5f5f5;
  --text: #1e1e1e;
  --text-secondary: #5e5e5e;
  --border: #d9d9d9;
  --brand: #0a6dc2;
  --brand-hover: #085a9f;
  --on-brand: #ffffff;
  --danger: #c4272f;
  --danger-bg: #ffe2e0;
  --success-bg: #dcf5e7;
  --bar: #0d99ff;
  --focus: #0a6dc2;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #2c2c2c;
    --bg-secondary: #383838;
    --text: #ffffff;
    --text-secondary: #c2c2c2;
    --border: #4d4d4d;
    --brand: #0a6dc2;
    --brand-hover: #0c7fe0;
    --danger: #ff8a80;
    --danger-bg: #4f1d1a;
    --success-bg: #1d3d2b;
    --bar: #3fa9ff;
    --focus: #7cc4ff;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
main { max-width: 960px; margin: 0 auto; padding: 24px 24px 48px; display: flex; flex-direction: column; gap: 28px; }
h1 { font-size: 20px; line-height: 28px; margin: 0; }
h2 { font-size: 15px; line-height: 22px; margin: 0 0 8px; }
p { margin: 0 0 8px; }
a { color: inherit; }
.secondary { color: var(--text-secondary); }
header { display: flex; justify-content: space-between; align-items: center; gap: 16px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--border); vertical-align: middle; }
th { font-weight: 600; color: var(--text-secondary); }
tbody th { color: var(--text); }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
form { margin: 0; }
form.inline { display: flex; gap: 6px; align-items: center; }
.stack { display: flex; flex-direction: column; gap: 10px; max-width: 560px; }
label { font-weight: 600; }
.field { display: flex; flex-direction: column; gap: 4px; }
.hint { color: var(--text-secondary); font-weight: 400; }
input, textarea { font: inherit; color: var(--text); background: var(--bg); border: 1px solid var(--border); border-radius: 5px; padding: 5px 8px; }
input.budget { width: 7em; }
textarea { min-height: 4em; resize: vertical; }
button { font: inherit; font-weight: 600; border-radius: 5px; padding: 5px 12px; border: 1px solid transparent; cursor: pointer; background: var(--brand); color: var(--on-brand); }
button:hover { background: var(--brand-hover); }
button.secondary { background: transparent; color: var(--text); border-color: var(--border); }
button.secondary:hover { background: var(--bg-secondary); }
button.danger { background: transparent; color: var(--danger); border-color: var(--danger); }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
.notice { padding: 10px 12px; border-radius: 6px; background: var(--success-bg); }
.error { padding: 10px 12px; border-radius: 6px; background: var(--danger-bg); }
.once { padding: 14px; border: 2px solid var(--brand); border-radius: 8px; display: flex; flex-direction: column; gap: 8px; }
.once input { font-family: ui-monospace, Menlo, monospace; width: 100%; }
.chart { margin: 0; }
.chart svg { display: block; width: 100%; height: auto; }
.chart .bar { fill: var(--bar); }
.chart .axis { fill: var(--text-secondary); font-size: 11px; }
.chart .name { fill: var(--text); font-size: 12px; }
.chart .grid { stroke: var(--border); }
ul.presets { list-style: none; padding: 0; margin: 0 0 12px; display: flex; flex-direction: column; gap: 8px; }
ul.presets li { display: flex; justify-content: space-between; gap: 12px; align-items: flex-start; padding: 8px; border: 1px solid var(--border); border-radius: 6px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.sign-in { max-width: 360px; margin: 15vh auto; }
`;
