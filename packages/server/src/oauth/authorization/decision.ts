/**
 * What happens once the user is known (RFC 6749 §4.1.1 "the authorization server
 * authenticates the resource owner and obtains an authorization decision"):
 * - admin_approved apps: a pre-authorized user gets a code without a consent page; anyone
 *   else is refused (Salesforce "Admin approved users are pre-authorized");
 * - all_users apps: an approval that already covers the scopes is reused (no page), unless
 *   the client asked `prompt=consent`; otherwise the user is asked.
 */
import type { ServerContext } from '../../context.ts';
import { KeyPrefix, newId } from '../../domain/ids.ts';
import type { User } from '../../domain/types.ts';
import { issueAuthorizationCode } from './codes.ts';
import { RedirectError } from './errors.ts';
import type { AuthorizationRequest } from './request.ts';

export type Decision = { kind: 'code'; code: string } | { kind: 'ask' };

function notAdminApproved(req: AuthorizationRequest): RedirectError {
  return new RedirectError(
    'access_denied',
    'user is not admin approved to access this app',
    req.redirectUri,
    req.state,
  );
}

/** Decides without asking, when the policy or an earlier approval allows it. */
export async function decideWithoutConsent(
  ctx: ServerContext,
  req: AuthorizationRequest,
  user: User,
): Promise<Decision> {
  const { app } = req;
  if (app.policies.permittedUsers === 'admin_approved') {
    if (!(await ctx.store.preauthorizations.covers(app.id, user.username, user.profile))) {
      throw notAdminApproved(req);
    }
    return { kind: 'code', code: await issueAuthorizationCode(ctx, req, user, null) };
  }
  if (req.forceConsent) return { kind: 'ask' };
  const approval = await ctx.store.approvals.find(app.id, user.id);
  if (approval && req.scopes.every((s) => approval.scopes.includes(s))) {
    return { kind: 'code', code: await issueAuthorizationCode(ctx, req, user, approval.id) };
  }
  return { kind: 'ask' };
}

/**
 * The user pressed Allow: the approval (user, app, scopes, time) is recorded — the record
 * the JWT and SAML bearer grants consult — and a code is issued under it.
 */
export async function approve(ctx: ServerContext, req: AuthorizationRequest, user: User): Promise<string> {
  // An admin_approved app never shows the consent page; a forged Allow changes nothing.
  if (req.app.policies.permittedUsers === 'admin_approved') {
    const decided = await decideWithoutConsent(ctx, req, user);
    if (decided.kind === 'code') return decided.code;
    throw notAdminApproved(req);
  }
  const now = ctx.now();
  const approval = await ctx.store.approvals.upsert({
    id: newId(KeyPrefix.approval),
    appId: req.app.id,
    userId: user.id,
    scopes: req.scopes,
    source: 'consent',
    createdAt: now,
    updatedAt: now,
  });
  return issueAuthorizationCode(ctx, req, user, approval.id);
}

/** The user pressed Deny (RFC 6749 §4.1.2.1 access_denied). */
export function denied(req: AuthorizationRequest): RedirectError {
  return new RedirectError('access_denied', 'end-user denied authorization', req.redirectUri, req.state);
}
