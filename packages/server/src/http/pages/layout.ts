/** The page shell shared by every authorization page: one stylesheet, no scripts. */
import { type Html, html } from './html.ts';
import { PATHS } from './paths.ts';

export interface SignedInBar {
  username: string;
  csrf: string;
  /** Where to land after signing out (checked again by the logout route). */
  continueTo?: string;
}

/** "Signed in as … · Sign out" (a POST form: signing out changes state, so it is CSRF-protected). */
export function signedInBar(s: SignedInBar | undefined): Html {
  if (!s) return html``;
  return html`<div class="signed-in">
  <span class="muted">Signed in as <strong>${s.username}</strong></span>
  <form method="post" action="${PATHS.logout}">
    <input type="hidden" name="csrf" value="${s.csrf}">
    ${s.continueTo ? html`<input type="hidden" name="continue" value="${s.continueTo}">` : ''}
    <button type="submit" class="link">Sign out</button>
  </form>
</div>`;
}

export function layout(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<link rel="stylesheet" href="${PATHS.stylesheet}">
</head>
<body>
<div class="brand"><strong>s2s-oauth</strong> · sign-in and permissions</div>
<main class="card">
${body}
</main>
<footer>Only enter your password on pages whose address you trust.</footer>
</body>
</html>
`;
}
