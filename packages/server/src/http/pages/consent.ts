/**
 * The consent page: names the application, lists the requested scopes in words, and asks
 * Allow / Deny. The form carries the authorization request back (re-validated on POST) and
 * the session's CSRF token (RFC 6749 §10.12).
 */
import { type Html, html } from './html.ts';
import { layout, signedInBar } from './layout.ts';
import { PATHS } from './paths.ts';
import { scopeLines } from './scope_words.ts';

export interface ConsentView {
  appName: string;
  /** Where the browser goes afterwards (shown, so the user sees who receives the answer). */
  redirectHost: string;
  scopes: readonly string[];
  /** The authorization request's query string. */
  request: string;
  csrf: string;
  username: string;
  /** This authorization request again: signing out from here leads back to its sign-in page. */
  continueTo: string;
}

export function scopeList(scopes: readonly string[]): Html {
  if (scopes.length === 0)
    return html`<p class="muted">No specific permissions: only that you signed in.</p>`;
  return html`<ul class="scopes">
${scopeLines(scopes).map(
  (l) => html`  <li>${l.phrase}<span class="scope-name">${l.names.join(', ')}</span></li>
`,
)}</ul>`;
}

export function consentPage(v: ConsentView): Html {
  return layout(
    `Allow ${v.appName}?`,
    html`<h1>Allow <span class="app-name">${v.appName}</span> to access your account?</h1>
<p>${v.appName} is asking to:</p>
${scopeList(v.scopes)}
<p class="muted">If you allow, you will be sent back to <strong>${v.redirectHost}</strong>. You can revoke
this permission at any time on the <a href="${PATHS.approvals}">Connected apps</a> page.</p>
<form method="post" action="${PATHS.consent}">
  <input type="hidden" name="csrf" value="${v.csrf}">
  <input type="hidden" name="request" value="${v.request}">
  <div class="actions">
    <button type="submit" name="decision" value="deny">Deny</button>
    <button type="submit" name="decision" value="allow" class="primary">Allow</button>
  </div>
</form>
${signedInBar({ username: v.username, csrf: v.csrf, continueTo: v.continueTo })}`,
  );
}
