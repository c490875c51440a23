/**
 * Who may get a token for whom: the app's Permitted Users policy.
 * - admin_approved: the user, or the user's profile, must be pre-authorized.
 * - all_users: for the assertion grants, the user must have approved the app
 *   before (an approval record); the scopes come from that approval.
 */
import type { ServerContext } from '../../context.ts';
import type { App, Approval, User } from '../../domain/types.ts';
import { OAuthError } from '../errors.ts';

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
  if (!approval) throw new OAuthError('invalid_grant', "user hasn't approved this consumer");
  return { approval };
}
