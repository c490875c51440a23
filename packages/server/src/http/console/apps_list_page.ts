/** The app list (Salesforce: App Manager): search by name or client id, one row per app. */
import type { AppView } from '../../services/app_view.ts';
import { type Html, html } from '../pages/html.ts';
import { certificateState } from './certificates_section.ts';
import { badge, time } from './format.ts';
import { type Chrome, consoleLayout, notice } from './layout.ts';
import { appPath, CONSOLE_PATHS } from './paths.ts';

export interface AppsListView {
  chrome: Chrome;
  apps: readonly AppView[];
  total: number;
  q: string;
  now: number;
  notice?: string;
}

/** Apps whose name or client id contains the search text (case-insensitive). */
export function searchApps(apps: readonly AppView[], q: string): AppView[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return [...apps];
  return apps.filter(
    (a) => a.name.toLowerCase().includes(needle) || a.clientId.toLowerCase().includes(needle),
  );
}

function certCell(a: AppView, now: number): Html {
  if (a.certificates.length === 0) return html`<span class="muted">none</span>`;
  const states = a.certificates.map((c) => certificateState(c, now).kind);
  const worst = states.includes('expired')
    ? badge('expired', 'bad')
    : states.includes('expiring')
      ? badge('expiring soon', 'warn')
      : states.includes('not_yet')
        ? badge('not yet valid', 'warn')
        : '';
  return html`${a.certificates.length} ${worst}`;
}

function row(a: AppView, now: number): Html {
  const flows = [
    a.clientCredentials.enabled ? `client credentials as ${a.clientCredentials.runAs}` : '',
    a.callbackUrls.length ? 'web server' : '',
  ].filter(Boolean);
  return html`<tr>
  <td data-label="Name"><a href="${appPath(a.clientId)}">${a.name}</a></td>
  <td data-label="Client id"><code class="wrap">${a.clientId}</code></td>
  <td data-label="Scopes">${a.scopes.join(' ')}</td>
  <td data-label="Permitted users">${a.permittedUsers === 'admin_approved' ? 'Admin approved' : 'All users'}</td>
  <td data-label="Flows">${flows.length ? flows.join(', ') : html`<span class="muted">assertions only</span>`}</td>
  <td data-label="Certificates">${certCell(a, now)}</td>
  <td data-label="Created">${time(a.createdAt)}</td>
</tr>`;
}

export function appsListPage(v: AppsListView): Html {
  const table =
    v.apps.length === 0
      ? html`<p class="muted">${v.q ? 'No app matches the search.' : 'No connected apps yet.'}</p>`
      : html`<table class="list">
<caption class="visually-hidden">Connected apps</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Client id</th><th scope="col">Scopes</th><th scope="col">Permitted users</th><th scope="col">Flows</th><th scope="col">Certificates</th><th scope="col">Created</th></tr></thead>
<tbody>
${v.apps.map((a) => row(a, v.now))}
</tbody>
</table>`;
  return consoleLayout(
    'Apps',
    html`<div class="page-head">
<h1>Connected apps</h1>
<a class="button primary" href="${CONSOLE_PATHS.newApp}">New app</a>
</div>
${notice(v.notice)}
<form method="get" action="${CONSOLE_PATHS.apps}" class="search" role="search">
  <label for="q">Search apps</label>
  <div class="inline">
    <input type="search" id="q" name="q" value="${v.q}" placeholder="Name or client id" autocapitalize="none" spellcheck="false">
    <button type="submit">Search</button>
  </div>
</form>
<p class="muted" role="status">${v.q ? `${v.apps.length} of ${v.total} apps match “${v.q}”.` : `${v.total} app${v.total === 1 ? '' : 's'}.`}</p>
${table}`,
    v.chrome,
  );
}
