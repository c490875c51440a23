/**
 * The refresh_token grant (RFC 6749 §6), Salesforce-compatible (salesforce-flows.md §4):
 * `grant_type=refresh_token&refresh_token=…` with `client_id`, plus client
 * authentication (secret or private_key_jwt) unless the app turned off
 * "Require Secret for Refresh Token Flow" (a public client, whose tokens must then
 * rotate: RFC 9700 §4.14.2, enforced by the app's validation).
 * The work — binding, policy, rotation, reuse, grace — is in tokens/refresh_rotation.ts.
 */
import type { ServerContext } from '../../context.ts';
import type { App } from '../../domain/types.ts';
import { OAuthError } from '../errors.ts';
import { required } from '../params.ts';
import { parseScopeParam } from '../scopes.ts';
import { refreshPolicies } from '../tokens/refresh_policy.ts';
import { redeemRefreshToken } from '../tokens/refresh_rotation.ts';
import type { Grant, GrantRequest } from './grant.ts';

export const refresh_token: Grant = {
  grantType: 'refresh_token',
  parameters: ['refresh_token'],
  // Public apps may refresh with `client_id` alone; refreshingClient decides per app.
  clientAuthentication: 'optional',

  async handle(ctx, req) {
    const token = required(req.params, 'refresh_token');
    const requested = parseScopeParam(req.params.get('scope'));
    const app = await refreshingClient(ctx, req);
    const r = await redeemRefreshToken(ctx, {
      app,
      authenticated: req.client !== null,
      token,
      requested,
      audit: req.audit,
      sourceIp: req.sourceIp ?? null,
    });
    return {
      app,
      user: r.user,
      scopes: r.scopes,
      refreshToken: r.refreshToken,
      familyId: r.familyId,
      accessToken: r.accessToken,
    };
  },
};

/**
 * The client asking: the authenticated one, or — only when the app does not require a
 * secret for refresh — the app named by `client_id` (RFC 6749 §3.2.1, §6).
 */
async function refreshingClient(ctx: ServerContext, req: GrantRequest): Promise<App> {
  if (req.client) return req.client.app;
  const clientId = req.params.get('client_id');
  if (clientId === undefined) {
    throw new OAuthError('invalid_client', 'client authentication is required', {
      detail: 'refresh without client credentials or client_id',
    });
  }
  const app = await ctx.store.apps.findByClientId(clientId);
  if (!app) throw new OAuthError('invalid_client_id', 'client identifier invalid');
  // Salesforce's "Require Secret for Refresh Token Flow"; RFC 6749 §6: a confidential
  // client MUST authenticate.
  if (refreshPolicies(app).requireSecret) {
    throw new OAuthError('invalid_client', 'client authentication is required', {
      detail: 'the app requires a secret for the refresh token flow',
    });
  }
  return app;
}
