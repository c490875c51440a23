/** The user list and the new-user form. */
import type { UserView } from '../../services/user_admin.ts';
import { DEFAULT_PROFILE } from '../../services/users.ts';
import { type Html, html } from '../pages/html.ts';
import { ADMIN_PROFILE } from './admins.ts';
import type { FormErrors } from './api_errors.ts';
import { checkbox, csrfField, errorSummary, textField } from './fields.ts';
import { badge, time } from './format.ts';
import { type Chrome, consoleLayout, notice } from './layout.ts';
import { CONSOLE_PATHS, userPath } from './paths.ts';

const USER_LABELS: Record<string, string> = {
  username: 'Username',
  password: 'Password',
  email: 'Email',
  firstName: 'First name',
  lastName: 'Last name',
  profile: 'Profile',
  active: 'Active',
};

export const PROFILES = [DEFAULT_PROFILE, ADMIN_PROFILE, 'Integration'];

function fullName(u: UserView): string {
  return [u.firstName, u.lastName].filter(Boolean).join(' ');
}

export function usersListPage(v: { chrome: Chrome; users: readonly UserView[]; notice?: string }): Html {
  const rows = v.users.map(
    (u) => html`<tr>
  <td data-label="Username"><a href="${userPath(u.id)}">${u.username}</a></td>
  <td data-label="Name">${fullName(u) || html`<span class="muted">—</span>`}</td>
  <td data-label="Profile">${u.profile}</td>
  <td data-label="Status">${u.active ? badge('Active', 'ok') : badge('Inactive', 'bad')}</td>
  <td data-label="Password">${u.hasPassword ? 'set' : html`<span class="muted">none</span>`}</td>
  <td data-label="Created">${time(u.createdAt)}</td>
</tr>`,
  );
  return consoleLayout(
    'Users',
    html`<div class="page-head">
<h1>Users</h1>
<a class="button primary" href="${CONSOLE_PATHS.newUser}">New user</a>
</div>
${notice(v.notice)}
${
  v.users.length === 0
    ? html`<p class="muted">No users yet.</p>`
    : html`<table class="list">
<caption class="visually-hidden">Users</caption>
<thead><tr><th scope="col">Username</th><th scope="col">Name</th><th scope="col">Profile</th><th scope="col">Status</th><th scope="col">Password</th><th scope="col">Created</th></tr></thead>
<tbody>${rows}</tbody>
</table>`
}`,
    v.chrome,
  );
}

export interface UserFormValues {
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  profile: string;
  active: boolean;
}

export const NEW_USER: UserFormValues = {
  username: '',
  email: '',
  firstName: '',
  lastName: '',
  profile: DEFAULT_PROFILE,
  active: true,
};

export function newUserPage(v: { chrome: Chrome; values: UserFormValues; errors: FormErrors }): Html {
  const e = v.errors.fields;
  const x = v.values;
  return consoleLayout(
    'New user',
    html`<p class="crumbs"><a href="${CONSOLE_PATHS.users}">Users</a></p>
<h1>New user</h1>
${errorSummary(e, v.errors.form, undefined, USER_LABELS)}
<form method="post" action="${CONSOLE_PATHS.users}" class="panel narrow-form">
  ${csrfField(v.chrome.csrf)}
  ${textField({ name: 'username', label: 'Username', hint: 'Usually an email address; no spaces.', value: x.username, required: true, autocomplete: 'off', error: e.username })}
  ${textField({ name: 'password', label: 'Password', type: 'password', hint: 'Optional: only users who sign in on the web pages need one.', autocomplete: 'new-password', error: e.password })}
  ${textField({ name: 'email', label: 'Email', type: 'email', value: x.email, autocomplete: 'off', error: e.email })}
  <div class="grid2">
  ${textField({ name: 'firstName', label: 'First name', value: x.firstName, autocomplete: 'off', error: e.firstName })}
  ${textField({ name: 'lastName', label: 'Last name', value: x.lastName, autocomplete: 'off', error: e.lastName })}
  </div>
  ${textField({ name: 'profile', label: 'Profile', hint: `${ADMIN_PROFILE} may use this console.`, value: x.profile, list: 'profiles', error: e.profile })}
  <datalist id="profiles">${PROFILES.map((p) => html`<option value="${p}"></option>`)}</datalist>
  ${checkbox({ name: 'active', label: 'Active (may get tokens)', checked: x.active, error: e.active })}
  <div class="actions">
    <a class="button" href="${CONSOLE_PATHS.users}">Cancel</a>
    <button type="submit" class="primary">Create user</button>
  </div>
</form>`,
    v.chrome,
  );
}
