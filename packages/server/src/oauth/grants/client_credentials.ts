/**
 * client_credentials (RFC 6749 §4.4). The app's own credentials are the grant;
 * the token acts as the app's run-as (execution) user, as in Salesforce. No
 * refresh token (RFC 6749 §4.4.3).
 */
import { OAuthError } from '../errors.ts';
import { narrowScopes, parseScopeParam } from '../scopes.ts';
import type { Grant } from './grant.ts';
import { requirePermittedUser } from './permitted_users.ts';

export const client_credentials: Grant = {
  grantType: 'client_credentials',
  parameters: [],
  // RFC 6749 §4.4.2: the client MUST authenticate.
  clientAuthentication: 'required',

  async handle(ctx, req) {
    const { app } = req.client!;
    const cc = app.policies.clientCredentials;
    if (!cc.enabled) {
      throw new OAuthError('unauthorized_client', 'client credentials flow is not enabled for this app');
    }
    if (!cc.runAs) throw new OAuthError('invalid_grant', 'no client credentials user enabled');
    const user = await ctx.store.users.findByUsername(cc.runAs);
    req.audit.username = cc.runAs;
    req.audit.userId = user?.id;
    if (!user) throw new OAuthError('invalid_grant', 'no client credentials user enabled');
    if (!user.active) throw new OAuthError('invalid_grant', 'client credentials user is inactive');
    // Enforced only under the admin-approved policy (salesforce-flows.md §3).
    await requirePermittedUser(ctx, app, user, { selfAuthorizedNeedsApproval: false });
    const scopes = narrowScopes(parseScopeParam(req.params.get('scope')), app.scopes);
    return { app, user, scopes };
  },
};
