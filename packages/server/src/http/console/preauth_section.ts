/**
 * Pre-authorizations of an app (Salesforce: Manage Profiles / Permission Sets): who may use
 * an app whose permitted users are "admin approved" — one user, or every user of a profile.
 * Two small forms, one per kind; the API's "exactly one of username or profile" holds by
 * construction, its other errors (unknown user, already pre-authorized) show by the field.
 */
import type { AppView } from '../../services/app_view.ts';
import type { UserView } from '../../services/user_admin.ts';
import { type Html, html } from '../pages/html.ts';
import { ADMIN_PROFILE } from './admins.ts';
import type { FormErrors } from './api_errors.ts';
import { csrfField, errorSummary, selectField, textField } from './fields.ts';
import { time } from './format.ts';
import { appPath } from './paths.ts';

export interface PreauthorizationItem {
  id: string;
  kind: 'user' | 'profile';
  value: string;
  createdAt: string;
}

export interface PreauthForm {
  kind: 'user' | 'profile';
  value: string;
  errors: FormErrors;
}

const COMMON_PROFILES = ['Standard User', ADMIN_PROFILE, 'Integration'];

function list(a: AppView, items: readonly PreauthorizationItem[]): Html {
  if (items.length === 0) return html`<p class="muted">Nobody is pre-authorized.</p>`;
  return html`<table class="list">
<caption class="visually-hidden">Pre-authorizations</caption>
<thead><tr><th scope="col">Kind</th><th scope="col">User or profile</th><th scope="col">Added</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
${items.map(
  (p) => html`<tr>
  <td data-label="Kind">${p.kind === 'user' ? 'User' : 'Profile'}</td>
  <td data-label="User or profile">${p.value}</td>
  <td data-label="Added">${time(p.createdAt)}</td>
  <td class="actions-cell"><a class="button danger" href="${appPath(a.clientId, `/preauthorizations/${p.id}/delete`)}" aria-label="Remove the pre-authorization of ${p.value}">Remove</a></td>
</tr>`,
)}
</tbody>
</table>`;
}

export function preauthorizationsSection(
  a: AppView,
  items: readonly PreauthorizationItem[],
  users: readonly UserView[],
  csrf: string,
  form: PreauthForm | undefined,
): Html {
  const userErrors = form?.kind === 'user' ? form.errors : undefined;
  const profileErrors = form?.kind === 'profile' ? form.errors : undefined;
  const profiles = [...new Set([...COMMON_PROFILES, ...users.map((u) => u.profile)])].sort();
  const action = appPath(a.clientId, '/preauthorizations');
  return html`<section class="panel" aria-labelledby="h-preauth" id="preauthorizations">
<h2 id="h-preauth">Pre-authorized users and profiles</h2>
${
  a.permittedUsers === 'admin_approved'
    ? ''
    : html`<p class="notice">This app lets all users self-authorize, so pre-authorizations do not limit it. They
take effect when <em>Permitted users</em> is “Admin approved users are pre-authorized”.</p>`
}
${list(a, items)}
<div class="grid2">
<form method="post" action="${action}" class="subform">
  ${csrfField(csrf)}
  <input type="hidden" name="kind" value="user">
  ${errorSummary(userErrors?.fields ?? {}, userErrors?.form, 'pa-user')}
  ${selectField({
    name: 'username',
    label: 'Pre-authorize a user',
    options: [
      { value: '', label: '— choose a user —' },
      ...users.map((u) => ({ value: u.username, label: u.username })),
    ],
    value: form?.kind === 'user' ? form.value : '',
    error: userErrors?.fields.username,
    form: 'pa-user',
  })}
  <div class="actions"><button type="submit">Add user</button></div>
</form>
<form method="post" action="${action}" class="subform">
  ${csrfField(csrf)}
  <input type="hidden" name="kind" value="profile">
  ${errorSummary(profileErrors?.fields ?? {}, profileErrors?.form, 'pa-profile')}
  ${textField({
    name: 'profile',
    label: 'Pre-authorize a profile',
    value: form?.kind === 'profile' ? form.value : '',
    list: 'profiles',
    error: profileErrors?.fields.profile,
    form: 'pa-profile',
  })}
  <datalist id="profiles">${profiles.map((p) => html`<option value="${p}"></option>`)}</datalist>
  <div class="actions"><button type="submit">Add profile</button></div>
</form>
</div>
</section>`;
}
