/**
 * One user: details, activate/deactivate (deactivating is confirmed: the user's live tokens
 * stop working), a new password, and the user's approvals with Revoke.
 */
import type { ApprovalView } from '../../services/approvals.ts';
import type { UserView } from '../../services/user_admin.ts';
import { type Html, html } from '../pages/html.ts';
import type { FormErrors } from './api_errors.ts';
import { csrfField, errorSummary, textField } from './fields.ts';
import { badge, time } from './format.ts';
import { type Chrome, consoleLayout, notice } from './layout.ts';
import { appPath, CONSOLE_PATHS, userPath, withQuery } from './paths.ts';

export interface UserDetailView {
  chrome: Chrome;
  user: UserView;
  approvals: readonly ApprovalView[];
  notice?: string;
  passwordErrors?: FormErrors;
}

function status(u: UserView, csrf: string): Html {
  if (u.active) {
    return html`<p>${badge('Active', 'ok')} The user may get tokens.</p>
<a class="button danger" href="${userPath(u.id, '/deactivate')}">Deactivate user</a>`;
  }
  return html`<p>${badge('Inactive', 'bad')} The user gets no tokens, and tokens issued before stop working.</p>
<form method="post" action="${userPath(u.id, '/activate')}">
  ${csrfField(csrf)}
  <button type="submit">Activate user</button>
</form>`;
}

function approvals(u: UserView, list: readonly ApprovalView[]): Html {
  if (list.length === 0) return html`<p class="muted">No approvals: the user has not allowed any app.</p>`;
  return html`<table class="list">
<caption class="visually-hidden">Approvals of ${u.username}</caption>
<thead><tr><th scope="col">App</th><th scope="col">Scopes</th><th scope="col">Given by</th><th scope="col">Since</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
${list.map(
  (a) => html`<tr>
  <td data-label="App">${a.clientId ? html`<a href="${appPath(a.clientId)}">${a.appName ?? a.clientId}</a>` : html`<span class="muted">deleted app</span>`}</td>
  <td data-label="Scopes">${a.scopes.join(' ')}</td>
  <td data-label="Given by">${a.source === 'admin' ? 'an admin' : 'the user'}</td>
  <td data-label="Since">${time(a.updatedAt)}</td>
  <td class="actions-cell"><a class="button danger" href="${userPath(u.id, `/approvals/${a.id}/revoke`)}" aria-label="Revoke the approval of ${a.appName ?? 'the app'}">Revoke</a></td>
</tr>`,
)}
</tbody>
</table>`;
}

export function userDetailPage(v: UserDetailView): Html {
  const u = v.user;
  const e = v.passwordErrors;
  const name = [u.firstName, u.lastName].filter(Boolean).join(' ');
  return consoleLayout(
    u.username,
    html`<p class="crumbs"><a href="${CONSOLE_PATHS.users}">Users</a> › ${u.username}</p>
<h1>${u.username}</h1>
${notice(v.notice)}
<section class="panel" aria-labelledby="h-user">
<h2 id="h-user">Details</h2>
<dl class="facts">
  <dt>Name</dt><dd>${name || html`<span class="muted">—</span>`}</dd>
  <dt>Email</dt><dd>${u.email ?? html`<span class="muted">—</span>`}</dd>
  <dt>Profile</dt><dd>${u.profile}</dd>
  <dt>Id</dt><dd><code>${u.id}</code></dd>
  <dt>Password</dt><dd>${u.hasPassword ? 'set' : 'none'}</dd>
  <dt>Created</dt><dd>${time(u.createdAt)}</dd>
</dl>
<p><a href="${withQuery(CONSOLE_PATHS.activity, { username: u.username })}">See this user’s token activity</a></p>
</section>
<section class="panel" aria-labelledby="h-status">
<h2 id="h-status">Status</h2>
${status(u, v.chrome.csrf)}
</section>
<section class="panel" aria-labelledby="h-password" id="password">
<h2 id="h-password">Reset password</h2>
${errorSummary(e?.fields ?? {}, e?.form, 'pw')}
<form method="post" action="${userPath(u.id, '/password')}">
  ${csrfField(v.chrome.csrf)}
  ${textField({ name: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', error: e?.fields.password, form: 'pw' })}
  <div class="actions"><button type="submit">Set password</button></div>
</form>
</section>
<section class="panel" aria-labelledby="h-approvals" id="approvals">
<h2 id="h-approvals">Approvals</h2>
<p class="muted">Apps this user allowed (or an admin allowed for them). Revoking one also revokes that app’s live
tokens for the user.</p>
${approvals(u, v.approvals)}
</section>`,
    v.chrome,
  );
}
