/**
 * The console's stylesheet, on top of the authorization pages' one (its colours, inputs and
 * buttons, light and dark): a wide layout, a top bar, panels, tables that become stacked
 * cards on a phone, badges, and the chart. Colours meet WCAG AA contrast in both schemes.
 */
export const CONSOLE_STYLESHEET = `
:root { --warn: #7a4a00; --danger-text: #ffffff; }
@media (prefers-color-scheme: dark) { :root { --warn: #f0b35a; --danger-text: #230806; } }
body.console { display: block; padding: 0; }
@media (min-width: 34rem) { body.console { padding-top: 0; } }
.skip { position: absolute; left: -999px; top: 0; }
.skip:focus { left: 0.5rem; top: 0.5rem; z-index: 10; background: var(--card); padding: 0.5rem 1rem; }
a:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.topbar { background: var(--card); border-bottom: 1px solid var(--line); }
.topbar-inner { max-width: 74rem; margin: 0 auto; padding: 0.5rem 1rem; display: flex; flex-wrap: wrap;
  align-items: center; gap: 0.25rem 1.25rem; }
.logo { color: var(--text); text-decoration: none; padding: 0.5rem 0; }
.topbar nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem; }
.topbar nav a { display: inline-flex; align-items: center; min-height: 2.75rem; padding: 0 0.85rem;
  border-radius: 8px; text-decoration: none; color: var(--text); font-weight: 600; }
.topbar nav a[aria-current=page] { background: var(--accent); color: var(--accent-text); }
.who { margin-left: auto; display: flex; flex-wrap: wrap; align-items: center; gap: 0 0.75rem;
  color: var(--muted); font-size: 0.9rem; }
.who form { margin: 0; }
.who button.link { min-height: 2.75rem; }
.console-main { max-width: 74rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
.narrow { max-width: 32rem; margin: 0 auto; }
.narrow-form { max-width: 40rem; }
h1 { overflow-wrap: anywhere; }
h3 { font-size: 1rem; margin: 1.25rem 0 0.5rem; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 12px;
  padding: 1rem 1rem 1.25rem; margin: 0 0 1.25rem; }
.panel > h2:first-child { margin-top: 0; }
.page-head, .section-head { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between;
  gap: 0.5rem 1rem; margin: 0 0 0.75rem; }
.page-head h1, .section-head h2 { margin: 0; }
.crumbs { font-size: 0.9rem; color: var(--muted); margin: 0 0 0.5rem; }
a.button { display: inline-flex; align-items: center; justify-content: center; min-height: 2.9rem;
  padding: 0.6rem 1.2rem; border-radius: 8px; border: 1px solid var(--line); background: var(--card);
  color: var(--text); font-weight: 600; text-decoration: none; }
a.button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); }
a.button.danger { color: var(--danger); border-color: var(--danger); background: transparent; }
button.danger-solid { background: var(--danger); border-color: var(--danger); color: var(--danger-text); }
.actions a.button { width: 100%; }
@media (min-width: 34rem) { .actions a.button { width: auto; } }
.field { margin: 0 0 1rem; }
.field > label { margin: 0 0 0.35rem; }
.req { color: var(--muted); font-weight: 400; font-size: 0.85rem; }
.hint { color: var(--muted); font-size: 0.88rem; margin: 0 0 0.4rem; }
.field-error { color: var(--danger); font-weight: 600; margin: 0 0 0.4rem; }
.has-error > input, .has-error > select, .has-error > textarea { border: 2px solid var(--danger); }
select, textarea, input[type=email], input[type=search], input[type=file] { width: 100%; font: inherit;
  padding: 0.65rem 0.8rem; border: 1px solid var(--line); border-radius: 8px; background: var(--card);
  color: var(--text); }
select { min-height: 2.9rem; }
.mono, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
textarea.mono, input.mono { font-size: 0.85rem; }
code.wrap, .wrap { overflow-wrap: anywhere; word-break: break-all; }
fieldset { border: 0; padding: 0; margin: 0 0 1rem; min-width: 0; }
legend { font-weight: 600; padding: 0; margin: 0 0 0.35rem; }
.choice-list { display: grid; grid-template-columns: 1fr; gap: 0.1rem 1rem; }
@media (min-width: 48rem) { .choice-list { grid-template-columns: 1fr 1fr; } }
.choice, .field.check { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 0 0.6rem; }
.choice { padding: 0.3rem 0; }
.choice label, .check label { display: inline; margin: 0; font-weight: 500; flex: 1; min-width: 0; }
.check .hint, .check .field-error { flex-basis: 100%; }
input[type=checkbox], input[type=radio] { width: 1.3rem; height: 1.3rem; margin: 0.15rem 0 0; flex: none;
  accent-color: var(--accent); }
.grid2 { display: grid; grid-template-columns: 1fr; gap: 0 1.25rem; }
@media (min-width: 48rem) { .grid2 { grid-template-columns: 1fr 1fr; } }
.inline { display: flex; gap: 0.5rem; }
.inline input { flex: 1; min-width: 0; }
.search label { margin-top: 0; }
.notice-ok { color: var(--ok); font-weight: 600; border: 1px solid var(--ok); border-radius: 8px;
  padding: 0.6rem 0.9rem; margin: 0 0 1rem; }
.error ul { margin: 0.25rem 0 0; padding-left: 1.25rem; }
.error p:last-child { margin-bottom: 0; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
table.list { width: 100%; border-collapse: collapse; margin: 0 0 1rem; }
table.list th, table.list td { text-align: left; vertical-align: top; padding: 0.55rem 0.7rem;
  border-bottom: 1px solid var(--line); }
table.list thead th { font-size: 0.85rem; color: var(--muted); }
table.list time { white-space: nowrap; }
@media (max-width: 47.99rem) {
  table.list:not(.compact) thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.list:not(.compact), table.list:not(.compact) tbody, table.list:not(.compact) tr,
  table.list:not(.compact) td { display: block; width: 100%; }
  table.list:not(.compact) tr { border-bottom: 1px solid var(--line); padding: 0.4rem 0; }
  table.list:not(.compact) td { position: relative; border: 0; padding: 0.2rem 0 0.2rem 7.75rem;
    overflow-wrap: anywhere; }
  table.list:not(.compact) td::before { content: attr(data-label); position: absolute; left: 0; width: 7.25rem;
    font-weight: 600; color: var(--muted); font-size: 0.85rem; padding-top: 0.1rem; }
  table.list:not(.compact) td.actions-cell { padding-left: 0; }
  table.list:not(.compact) td.actions-cell::before { content: none; }
  .who { margin-left: 0; width: 100%; justify-content: space-between; }
}
.table-scroll { overflow-x: auto; }
.badge { display: inline-block; font-size: 0.78rem; font-weight: 700; line-height: 1.4; padding: 0 0.5rem;
  border: 1px solid; border-radius: 999px; white-space: nowrap; }
.badge-ok { color: var(--ok); }
.badge-warn { color: var(--warn); }
.badge-bad { color: var(--danger); }
.badge-plain { color: var(--muted); }
.cert-warning { margin: 0 0 0.5rem; }
ul.cards { list-style: none; padding: 0; margin: 0 0 1rem; }
.card-item { border: 1px solid var(--line); border-radius: 8px; padding: 0.9rem; margin: 0 0 0.75rem; }
.card-item h3 { margin: 0 0 0.4rem; overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: 1fr; gap: 0.1rem 1rem; margin: 0 0 1rem; }
dl.facts dt { font-weight: 600; color: var(--muted); font-size: 0.85rem; margin-top: 0.5rem; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
@media (min-width: 48rem) { dl.facts { grid-template-columns: 12rem 1fr; gap: 0.4rem 1rem; }
  dl.facts dt { margin-top: 0; } }
ul.plain { list-style: none; margin: 0; padding: 0; }
.danger-zone { border-color: var(--danger); }
.subform { margin-top: 0.5rem; }
.filter-grid { display: grid; grid-template-columns: 1fr; gap: 0 1rem; }
@media (min-width: 40rem) { .filter-grid { grid-template-columns: 1fr 1fr; } }
@media (min-width: 64rem) { .filter-grid { grid-template-columns: repeat(5, 1fr); } }
.filters .actions { margin-top: 0.25rem; }
.charts { display: grid; grid-template-columns: 1fr; gap: 1rem; margin: 0 0 1.25rem; }
@media (min-width: 64rem) { .charts { grid-template-columns: 1fr 1fr; } }
figure.chart { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 12px;
  padding: 1rem; min-width: 0; }
figure.chart h3 { margin: 0 0 0.5rem; }
.legend { list-style: none; padding: 0; margin: 0 0 0.5rem; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem;
  font-size: 0.88rem; }
.legend li { display: flex; align-items: center; gap: 0.35rem; }
.swatch { width: 0.85rem; height: 0.85rem; flex: none; }
.chart-plot { position: relative; padding-left: 2.25rem; }
.chart-max { position: absolute; left: 0; top: -0.4rem; font-size: 0.8rem; color: var(--muted); }
.chart-svg { display: block; width: 100%; height: 10rem; }
.chart-svg .grid { stroke: var(--line); stroke-dasharray: 4 4; }
.chart-svg .axis { stroke: var(--muted); }
.chart-x { display: flex; justify-content: space-between; gap: 0.5rem; font-size: 0.8rem; color: var(--muted);
  margin-top: 0.25rem; }
details.chart-table { margin-top: 0.5rem; }
details summary { cursor: pointer; color: var(--accent); font-weight: 600; padding: 0.4rem 0; }
table.compact th, table.compact td { padding: 0.3rem 0.5rem; font-size: 0.88rem; }
.copy-row input { font-size: 0.85rem; }
.copy-status:empty { display: none; }
`;
