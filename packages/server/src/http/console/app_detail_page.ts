/**
 * One app: its settings, certificates, secrets (rotation) and pre-authorizations, each
 * section with its own small form; destructive actions link to a confirmation page.
 */
import type { AppView } from '../../services/app_view.ts';
import type { UserView } from '../../services/user_admin.ts';
import { type Html, html } from '../pages/html.ts';
import type { FormErrors } from './api_errors.ts';
import { type CertificateForm, certificatesSection } from './certificates_section.ts';
import { csrfField, errorSummary } from './fields.ts';
import { time } from './format.ts';
import { type Chrome, consoleLayout, notice } from './layout.ts';
import { appPath, CONSOLE_PATHS, withQuery } from './paths.ts';
import { type PreauthForm, type PreauthorizationItem, preauthorizationsSection } from './preauth_section.ts';

export interface AppDetailView {
  chrome: Chrome;
  app: AppView;
  preauthorizations: readonly PreauthorizationItem[];
  users: readonly UserView[];
  now: number;
  notice?: string;
  certificateForm?: CertificateForm;
  preauthForm?: PreauthForm;
  /** An error of the secrets section (the last secret cannot be deleted, at most 5 …). */
  secretsError?: FormErrors;
}

const REFRESH_WORDS: Record<string, string> = {
  until_revoked: 'valid until revoked',
  immediately: 'expire immediately',
  expire_after: 'expire after',
  expire_if_unused: 'expire if unused for',
};

function settings(a: AppView): Html {
  const r = a.refreshToken;
  return html`<section class="panel" aria-labelledby="h-settings">
<div class="section-head"><h2 id="h-settings">Settings</h2><a class="button" href="${appPath(a.clientId, '/edit')}">Edit settings</a></div>
<dl class="facts">
  <dt>Client id</dt><dd><code class="wrap">${a.clientId}</code></dd>
  <dt>Scopes</dt><dd>${a.scopes.length ? a.scopes.join(' ') : html`<span class="muted">none</span>`}</dd>
  <dt>Callback URLs</dt><dd>${a.callbackUrls.length ? html`<ul class="plain">${a.callbackUrls.map((u) => html`<li><code class="wrap">${u}</code></li>`)}</ul>` : html`<span class="muted">none</span>`}</dd>
  <dt>Permitted users</dt><dd>${a.permittedUsers === 'admin_approved' ? 'Admin approved users are pre-authorized' : 'All users may self-authorize'}</dd>
  <dt>Client credentials</dt><dd>${a.clientCredentials.enabled ? html`enabled, runs as <strong>${a.clientCredentials.runAs}</strong>` : 'disabled'}</dd>
  <dt>Access tokens</dt><dd>${a.accessToken.format === 'jwt' ? 'JWT' : 'opaque'}, ${a.accessToken.ttlSeconds} s</dd>
  <dt>Refresh tokens</dt><dd>${REFRESH_WORDS[r.policy] ?? r.policy}${r.seconds ? ` ${r.seconds} s` : ''}${r.rotate ? ', rotated' : ''}</dd>
  <dt>Assertion lifetime</dt><dd>at most ${a.assertion.maxLifetimeSeconds} s</dd>
  <dt>Created</dt><dd>${time(a.createdAt)}</dd>
</dl>
<p><a href="${withQuery(CONSOLE_PATHS.activity, { clientId: a.clientId })}">See this app’s token activity</a></p>
</section>`;
}

function secrets(a: AppView, csrf: string, error: FormErrors | undefined): Html {
  return html`<section class="panel" aria-labelledby="h-secrets" id="secrets">
<h2 id="h-secrets">Client secrets</h2>
<p class="muted">Rotate without downtime: add a new secret, move the clients to it, then delete the old one. Up to 5;
an app keeps at least one.</p>
${error ? errorSummary(error.fields, error.form, 'secret') : ''}
<table class="list">
<caption class="visually-hidden">Client secrets</caption>
<thead><tr><th scope="col">Ends with</th><th scope="col">Added</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
${a.secrets.map(
  (s) => html`<tr>
  <td data-label="Ends with"><code>…${s.hint}</code></td>
  <td data-label="Added">${time(s.createdAt)}</td>
  <td class="actions-cell"><a class="button danger" href="${appPath(a.clientId, `/secrets/${s.id}/delete`)}" aria-label="Delete the secret ending ${s.hint}">Delete</a></td>
</tr>`,
)}
</tbody>
</table>
<form method="post" action="${appPath(a.clientId, '/secrets')}">
  ${csrfField(csrf)}
  <div class="actions"><button type="submit">Add a secret</button></div>
</form>
</section>`;
}

function dangerZone(a: AppView): Html {
  return html`<section class="panel danger-zone" aria-labelledby="h-danger">
<h2 id="h-danger">Delete this app</h2>
<p>Deletes the app with its secrets, certificates, approvals, pre-authorizations and tokens.</p>
<a class="button danger" href="${appPath(a.clientId, '/delete')}">Delete app</a>
</section>`;
}

export function appDetailPage(v: AppDetailView): Html {
  const a = v.app;
  return consoleLayout(
    a.name,
    html`<p class="crumbs"><a href="${CONSOLE_PATHS.apps}">Apps</a> › ${a.name}</p>
<h1>${a.name}</h1>
${notice(v.notice)}
${settings(a)}
${certificatesSection(a, v.chrome.csrf, v.now, v.certificateForm)}
${secrets(a, v.chrome.csrf, v.secretsError)}
${preauthorizationsSection(a, v.preauthorizations, v.users, v.chrome.csrf, v.preauthForm)}
${dangerZone(a)}`,
    v.chrome,
  );
}
