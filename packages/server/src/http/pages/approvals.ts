/** The "Connected apps" page: the applications the signed-in user approved, each with Revoke. */
import { scopeList } from './consent.ts';
import { type Html, html } from './html.ts';
import { layout, signedInBar } from './layout.ts';
import { PATHS } from './paths.ts';

export interface ApprovalItem {
  id: string;
  appName: string;
  scopes: readonly string[];
  approvedAt: number;
}

export interface ApprovalsView {
  username: string;
  csrf: string;
  items: readonly ApprovalItem[];
  notice?: string;
}

const date = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

export function approvalsPage(v: ApprovalsView): Html {
  const list =
    v.items.length === 0
      ? html`<p class="muted">You have not allowed any application to access your account.</p>`
      : html`<ul class="apps">
${v.items.map(
  (a) => html`<li>
  <h2>${a.appName}</h2>
  <p class="muted">Allowed on ${date(a.approvedAt)}. It may:</p>
  ${scopeList(a.scopes)}
  <form method="post" action="${PATHS.revokeApproval}">
    <input type="hidden" name="csrf" value="${v.csrf}">
    <input type="hidden" name="approval" value="${a.id}">
    <button type="submit" class="danger" aria-label="Revoke access for ${a.appName}">Revoke access</button>
  </form>
</li>
`,
)}</ul>`;
  return layout(
    'Connected apps',
    html`<h1>Connected apps</h1>
<p>Applications you allowed to access your account. Revoking one ends its access at once: its tokens
stop working and it cannot sign in as you again until you allow it anew.</p>
${v.notice ? html`<p class="ok" role="status">${v.notice}</p>` : ''}
${list}
${signedInBar({ username: v.username, csrf: v.csrf })}`,
  );
}
