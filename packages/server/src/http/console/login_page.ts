/** The console's sign-in page: an admin user's password, or the admin token. Plain forms. */
import { type Html, html } from '../pages/html.ts';
import { ADMIN_PROFILE } from './admins.ts';
import { csrfField, textField } from './fields.ts';
import { consoleLayout } from './layout.ts';
import { CONSOLE_PATHS } from './paths.ts';

export interface LoginView {
  csrf: string;
  next: string;
  username?: string;
  /** Which form the error belongs to. */
  error?: { form: 'user' | 'token'; message: string };
  notice?: string;
}

function formError(v: LoginView, form: 'user' | 'token'): Html {
  return v.error?.form === form ? html`<div class="error" role="alert">${v.error.message}</div>` : html``;
}

export function consoleLoginPage(v: LoginView): Html {
  return consoleLayout(
    'Sign in',
    html`<div class="narrow">
<h1>Sign in to the console</h1>
<p>For administrators: a user whose profile is <strong>${ADMIN_PROFILE}</strong>, or whoever holds the
admin API's token.</p>
${v.notice ? html`<p class="notice-ok" role="status">${v.notice}</p>` : ''}
<section class="panel" aria-labelledby="h-user">
<h2 id="h-user">Admin user</h2>
${formError(v, 'user')}
<form method="post" action="${CONSOLE_PATHS.login}">
  ${csrfField(v.csrf)}
  <input type="hidden" name="next" value="${v.next}">
  <input type="hidden" name="how" value="user">
  ${textField({ name: 'username', label: 'Username', value: v.username, autocomplete: 'username', form: 'user' })}
  ${textField({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', form: 'user' })}
  <div class="actions"><button type="submit" class="primary">Sign in</button></div>
</form>
</section>
<section class="panel" aria-labelledby="h-token">
<h2 id="h-token">Admin token</h2>
${formError(v, 'token')}
<form method="post" action="${CONSOLE_PATHS.login}">
  ${csrfField(v.csrf)}
  <input type="hidden" name="next" value="${v.next}">
  <input type="hidden" name="how" value="token">
  ${textField({
    name: 'token',
    label: 'Admin token',
    type: 'password',
    autocomplete: 'off',
    hint: 'S2S_ADMIN_TOKEN, or the token printed at the first start.',
    form: 'token',
  })}
  <div class="actions"><button type="submit">Sign in with the token</button></div>
</form>
</section>
</div>`,
  );
}
