/** The error page: for requests that cannot be sent back to the client (RFC 6749 §4.1.2.1) and page failures. */
import { type Html, html } from './html.ts';
import { layout } from './layout.ts';

export const BAD_LINK_HINT =
  'If you followed a link from an application, tell its owner: the link does not match how the application is registered.';

export function errorPage(title: string, explanation: string, hint?: string): Html {
  return layout(
    title,
    html`<h1>${title}</h1>
<div class="error" role="alert">${explanation}</div>
<p class="muted">${hint ?? 'You can close this window and start again from the application.'}</p>`,
  );
}
