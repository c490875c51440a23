/**
 * The one page that shows a client secret: after creating an app, or adding a secret.
 * The secret is in this answer only (no-store) and never again; a Copy button (progressive:
 * hidden until the script runs) copies it, and the field can be selected by hand.
 */
import { type Html, html } from '../pages/html.ts';
import { type Chrome, consoleLayout } from './layout.ts';
import { appPath, CONSOLE_PATHS } from './paths.ts';

export interface SecretView {
  chrome: Chrome;
  appName: string;
  clientId: string;
  clientSecret: string;
  /** After creating the app (vs. after adding a secret). */
  created: boolean;
}

function copyable(id: string, label: string, value: string): Html {
  return html`<div class="field">
<label for="${id}">${label}</label>
<div class="inline copy-row">
  <input type="text" id="${id}" class="mono" value="${value}" readonly spellcheck="false">
  <button type="button" class="copy" data-copy="${id}" hidden aria-label="Copy ${label.toLowerCase()}">Copy</button>
</div>
</div>`;
}

export function secretPage(v: SecretView): Html {
  const title = v.created ? `${v.appName} created` : `New secret for ${v.appName}`;
  return consoleLayout(
    title,
    html`<p class="crumbs"><a href="${CONSOLE_PATHS.apps}">Apps</a> › <a href="${appPath(v.clientId)}">${v.appName}</a></p>
<h1>${title}</h1>
<div class="notice" role="status"><strong>Copy the client secret now.</strong> It is shown only on this page; the
server keeps only its SHA-256. If it is lost, add a new secret and delete the old one.</div>
<div class="panel">
${copyable('client-id', 'Client id', v.clientId)}
${copyable('client-secret', 'Client secret', v.clientSecret)}
<p class="muted copy-status" role="status" aria-live="polite"></p>
</div>
${
  v.created
    ? ''
    : html`<p>Both the old and the new secret work now. Move your clients to the new one, then delete the old
secret on the app’s page.</p>`
}
<p><a class="button primary" href="${appPath(v.clientId)}">Go to the app</a></p>`,
    v.chrome,
  );
}
