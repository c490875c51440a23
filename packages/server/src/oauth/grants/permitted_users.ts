/**
 * Who may get a token for whom: the app's Permitted Users policy
 * (salesforce-flows.md §1 "Pre-approval rule").
 * - admin_approved: the user, or the user's profile, must be pre-authorized.
 * - all_users: for the assertion grants, the user must have approved the app
 *   before (an approval record) with offline access; the scopes come from that approval.
 */
import type { ServerContext } from '../../context.ts';
import type { App, Approval, User } from '../../domain/types.ts';
import { OAuthError } from '../errors.ts';
import { narrowScopes } from '../scopes.ts';

/** An earlier approval counts for the assertion grants only if it allowed offline access. */
export const OFFLINE_SCOPES: readonly string[] = ['refresh_token', 'offline_access'];

export async function requirePermittedUser(
  ctx: ServerContext,
  app: App,
  user: User,
  opts: { selfAuthorizedNeedsApproval: boolean },
): Promise<{ approval: Approval | null }> {
  if (app.policies.permittedUsers === 'admin_approved') {
    const ok = await ctx.store.preauthorizations.covers(app.id, user.username, user.profile);
    if (!ok) throw new OAuthError('invalid_app_access', 'user is not admin approved to access this app');
    return { approval: null };
  }
  if (!opts.selfAuthorizedNeedsApproval) return { approval: null };
  const approval = await ctx.store.approvals.find(app.id, user.id);
  // Salesforce looks only at approvals "that include a refresh_token" (salesforce-flows.md §1 (b)).
  if (!approval?.scopes.some((s) => OFFLINE_SCOPES.includes(s))) {
    throw new OAuthError('invalid_grant', "user hasn't approved this consumer", {
      detail: approval ? 'the approval does not include refresh_token/offline_access' : 'no approval',
    });
  }
  return { approval };
}

/**
 * The scopes an assertion grant issues (RFC 7521 §4.1: no wider than what was
 * granted out of band), narrowed by the `scope` parameter when one was sent.
 * - Pre-authorized (approval null): the app's scopes.
 * - Self-authorized: the approved scopes (one record holds the union of every
 *   approval, ApprovalStore.upsert), kept only where the app still has them.
 */
export function assertionScopes(
  app: App,
  approval: Approval | null,
  requested: string[] | undefined,
): string[] {
  const allowed = approval === null ? app.scopes : approval.scopes.filter((s) => app.scopes.includes(s));
  return narrowScopes(requested, allowed);
}
