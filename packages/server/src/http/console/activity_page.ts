/**
 * Activity: the audit log of grant attempts with filters (app, user, grant type, result,
 * window), a chart of successful grants per flow and one of failures per error code, a
 * warning when recent failures outnumber successes, and the latest events as a table.
 */
import type { auditEventView } from '../../services/audit.ts';
import type { AuditSummary } from '../../services/audit_summary.ts';
import { type Html, html } from '../pages/html.ts';
import { type Series, stackedBarChart } from './activity_chart.ts';
import type { FormErrors } from './api_errors.ts';
import { errorSummary, type Option, selectField, textField } from './fields.ts';
import { badge, grantName, time } from './format.ts';
import { type Chrome, consoleLayout } from './layout.ts';
import { appPath, CONSOLE_PATHS } from './paths.ts';

export type AuditRow = ReturnType<typeof auditEventView>;

export interface ActivityFilters {
  window: string;
  clientId: string;
  username: string;
  grantType: string;
  result: string;
}

export interface ActivityView {
  chrome: Chrome;
  filters: ActivityFilters;
  errors: FormErrors;
  apps: readonly { clientId: string; name: string }[];
  usernames: readonly string[];
  grantTypes: readonly string[];
  summary?: AuditSummary;
  events: readonly AuditRow[];
}

const WINDOWS: Option[] = [
  { value: 'hour', label: 'Last hour' },
  { value: 'day', label: 'Last day' },
  { value: 'week', label: 'Last week' },
];

const GRANT_COLORS = ['#2563c9', '#1f8a5b', '#8a4fd1', '#b86200', '#0f7f8c', '#b03a82', '#5d6b7a'];
const FAILURE_COLORS = ['#c62828', '#d97706', '#7b5e57', '#ad1457', '#6a1b9a', '#0e7490', '#57606a'];

function series(keys: string[], colors: string[], label: (k: string) => string): Series[] {
  return keys.map((key, i) => ({ key, label: label(key), color: colors[i % colors.length]! }));
}

function filtersForm(v: ActivityView): Html {
  const f = v.filters;
  const e = v.errors.fields;
  return html`<form method="get" action="${CONSOLE_PATHS.activity}" class="panel filters" aria-label="Filters">
${errorSummary(e, v.errors.form, 'flt', { window: 'Window', clientId: 'App', username: 'User', grantType: 'Flow', result: 'Result' })}
<div class="filter-grid">
${selectField({ name: 'window', label: 'Window', options: WINDOWS, value: f.window, error: e.window, form: 'flt' })}
${selectField({ name: 'clientId', label: 'App', options: [{ value: '', label: 'All apps' }, ...v.apps.map((a) => ({ value: a.clientId, label: a.name }))], value: f.clientId, error: e.clientId, form: 'flt' })}
${textField({ name: 'username', label: 'User', value: f.username, list: 'usernames', autocomplete: 'off', error: e.username, form: 'flt' })}
${selectField({ name: 'grantType', label: 'Flow', options: [{ value: '', label: 'All flows' }, ...v.grantTypes.map((g) => ({ value: g, label: grantName(g) }))], value: f.grantType, error: e.grantType, form: 'flt' })}
${selectField({
  name: 'result',
  label: 'Result',
  options: [
    { value: '', label: 'All results' },
    { value: 'success', label: 'Successes' },
    { value: 'failure', label: 'Failures' },
  ],
  value: f.result,
  error: e.result,
  form: 'flt',
})}
</div>
<datalist id="usernames">${v.usernames.map((u) => html`<option value="${u}"></option>`)}</datalist>
<div class="actions"><a class="button" href="${CONSOLE_PATHS.activity}">Clear filters</a><button type="submit" class="primary">Show</button></div>
</form>`;
}

/** Failures in the last two buckets that outnumber successes there: something broke just now. */
function alarm(s: AuditSummary): Html {
  const recent = s.buckets.slice(-2);
  const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
  const failures = recent.reduce((n, b) => n + sum(b.failures), 0);
  const grants = recent.reduce((n, b) => n + sum(b.grants), 0);
  if (failures === 0 || failures <= grants) return html``;
  const minutes = (2 * s.bucketSeconds) / 60;
  const span = minutes >= 60 ? `${minutes / 60} hours` : `${minutes} minutes`;
  return html`<div class="error" role="alert"><strong>Failures outnumber successes:</strong> ${failures} failed and
${grants} successful grant attempts in the last ${span}. An integration may be broken — filter by app and see
the errors below.</div>`;
}

function charts(s: AuditSummary): Html {
  const starts = s.buckets.map((b) => b.start);
  const bucketMs = s.bucketSeconds * 1000;
  const byCount = (m: Record<string, number>) =>
    Object.keys(m).sort((a, b) => m[b]! - m[a]! || a.localeCompare(b));
  return html`<div class="charts">
${stackedBarChart({
  id: 'chart-grants',
  title: 'Successful grants per flow',
  buckets: s.buckets.map((b) => b.grants),
  starts,
  bucketMs,
  series: series(byCount(s.totals.grants), GRANT_COLORS, grantName),
  empty: 'No successful grants in this window.',
})}
${stackedBarChart({
  id: 'chart-failures',
  title: 'Failures per error code',
  buckets: s.buckets.map((b) => b.failures),
  starts,
  bucketMs,
  series: series(byCount(s.totals.failures), FAILURE_COLORS, (k) => k),
  empty: 'No failures in this window.',
})}
</div>`;
}

function events(v: ActivityView): Html {
  if (v.events.length === 0) return html`<p class="muted">No grant attempts match.</p>`;
  const names = new Map(v.apps.map((a) => [a.clientId, a.name]));
  return html`<table class="list events">
<caption class="visually-hidden">Grant attempts, newest first</caption>
<thead><tr><th scope="col">Time</th><th scope="col">Result</th><th scope="col">Flow</th><th scope="col">User</th><th scope="col">App</th><th scope="col">Error</th><th scope="col">Source</th></tr></thead>
<tbody>
${v.events.map(
  (e) => html`<tr>
  <td data-label="Time">${time(e.at)}</td>
  <td data-label="Result">${e.result === 'success' ? badge('success', 'ok') : badge('failure', 'bad')}</td>
  <td data-label="Flow">${grantName(e.grantType)}</td>
  <td data-label="User">${e.username ?? html`<span class="muted">—</span>`}</td>
  <td data-label="App">${e.clientId ? (names.has(e.clientId) ? html`<a href="${appPath(e.clientId)}">${names.get(e.clientId)}</a>` : html`<code class="wrap">${e.clientId}</code>`) : html`<span class="muted">—</span>`}</td>
  <td data-label="Error">${e.errorCode ? html`<code>${e.errorCode}</code> ${e.errorDescription ?? ''}` : html`<span class="muted">—</span>`}</td>
  <td data-label="Source">${e.sourceIp ?? ''}</td>
</tr>`,
)}
</tbody>
</table>
<p class="muted">The latest ${v.events.length} attempts of the window, newest first.</p>`;
}

export function activityPage(v: ActivityView): Html {
  return consoleLayout(
    'Activity',
    html`<h1>Activity</h1>
<p class="muted">Every grant attempt at the token endpoint, success or failure (Salesforce: Login History).</p>
${filtersForm(v)}
${v.summary ? alarm(v.summary) : ''}
${v.summary ? charts(v.summary) : ''}
<h2>Grant attempts</h2>
${events(v)}`,
    v.chrome,
  );
}
