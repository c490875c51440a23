/** The sign-in page: username and password, a plain form (no JavaScript), CSRF-protected. */
import { type Html, html } from './html.ts';
import { layout } from './layout.ts';
import { PATHS } from './paths.ts';

export interface LoginView {
  csrf: string;
  /** Where to go after signing in (an authorization request or the approvals page). */
  continueTo: string;
  /** The application asking, when the sign-in is part of an authorization request. */
  appName?: string;
  username?: string;
  error?: string;
  notice?: string;
}

export function loginPage(v: LoginView): Html {
  const lead = v.appName
    ? html`<p><span class="app-name">${v.appName}</span> wants to access your account. Sign in to continue.</p>`
    : html`<p>Sign in to see and manage the applications you have allowed.</p>`;
  return layout(
    'Sign in',
    html`<h1>Sign in</h1>
${lead}
${v.notice ? html`<div class="notice" role="status">${v.notice}</div>` : ''}
${v.error ? html`<div class="error" role="alert">${v.error}</div>` : ''}
<form method="post" action="${PATHS.login}">
  <input type="hidden" name="csrf" value="${v.csrf}">
  <input type="hidden" name="continue" value="${v.continueTo}">
  <label for="username">Username</label>
  <input type="text" id="username" name="username" value="${v.username ?? ''}" autocomplete="username"
    autocapitalize="none" spellcheck="false" required${v.username ? '' : html` autofocus`}>
  <label for="password">Password</label>
  <input type="password" id="password" name="password" autocomplete="current-password" required${v.username ? html` autofocus` : ''}>
  <div class="actions"><button type="submit" class="primary">Sign in</button></div>
</form>`,
  );
}
