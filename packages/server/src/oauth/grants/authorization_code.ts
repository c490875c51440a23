/**
 * The authorization_code grant (RFC 6749 §4.1.3, RFC 7636 §4.5): the code, the same
 * redirect_uri, the PKCE verifier, and client authentication — or, for a public client,
 * its client_id alone (PKCE then proved at the authorization request, RFC 9700 §2.1.1).
 *
 * Single use: the code is consumed by one conditional UPDATE that also records the id of
 * the access token issued for it. A code presented again revokes what it issued — the
 * access token and the refresh family with the tokens minted from it (RFC 6749 §4.1.2,
 * RFC 9700 §4.5) — and a second use racing the first is caught on either side (see
 * AuthorizationCodeStore.setRefreshFamily / markReused).
 */
import type { ServerContext } from '../../context.ts';
import { sha256Hex } from '../../domain/hashing.ts';
import type { App } from '../../domain/types.ts';
import type { AuthorizationCode } from '../../store/interfaces.ts';
import { isCodeVerifier, verifyS256 } from '../authorization/pkce.ts';
import { isPublicClient } from '../authorization/request.ts';
import { OAuthError } from '../errors.ts';
import { required } from '../params.ts';
import { mintAccessToken } from '../tokens/access_token.ts';
import { revokeRefreshFamily, startRefreshFamily } from '../tokens/refresh_token.ts';
import type { Grant, GrantRequest } from './grant.ts';

export const AUTHORIZATION_CODE = 'authorization_code';

const invalidCode = (detail: string) =>
  new OAuthError('invalid_grant', 'invalid authorization code', { detail });

/** Revokes the access token and refresh family a code issued (second use, RFC 6749 §4.1.2). */
async function revokeIssued(ctx: ServerContext, code: AuthorizationCode | undefined): Promise<void> {
  if (!code) return;
  if (code.accessTokenId) await ctx.store.accessTokens.revoke(code.accessTokenId, ctx.now());
  if (code.refreshFamilyId) await revokeRefreshFamily(ctx, code.refreshFamilyId);
}

async function reused(ctx: ServerContext, codeHash: string): Promise<OAuthError> {
  await revokeIssued(ctx, await ctx.store.authorizationCodes.markReused(codeHash, ctx.now()));
  return invalidCode('authorization code used twice: what it issued is revoked');
}

/** The client must be the one the code was issued to (RFC 6749 §4.1.3). */
async function checkClient(ctx: ServerContext, req: GrantRequest, app: App): Promise<void> {
  if (req.client) {
    if (req.client.app.id !== app.id) {
      throw new OAuthError('invalid_grant', 'authorization code was issued to another client');
    }
    return;
  }
  // RFC 6749 §4.1.3: a confidential client MUST authenticate; a public one sends client_id.
  if (!(await isPublicClient(ctx.store, app))) {
    throw new OAuthError('invalid_client', 'client authentication is required', {
      detail: 'code exchange without client credentials for an app that requires its secret',
    });
  }
  const clientId = req.params.get('client_id');
  if (clientId === undefined) throw new OAuthError('invalid_request', 'client_id is missing');
  if (clientId !== app.clientId) {
    throw new OAuthError('invalid_grant', 'authorization code was issued to another client');
  }
}

/** RFC 7636 §4.6, and RFC 9700 §2.1.1: no verifier may be accepted for a code without a challenge. */
function checkPkce(code: AuthorizationCode, verifier: string | undefined): void {
  if (code.codeChallenge === null) {
    if (verifier !== undefined) {
      throw new OAuthError(
        'invalid_grant',
        'code_verifier was sent but the authorization request had no code_challenge',
      );
    }
    return;
  }
  if (verifier === undefined) throw new OAuthError('invalid_grant', 'code_verifier is missing');
  if (!isCodeVerifier(verifier)) throw new OAuthError('invalid_grant', 'code_verifier is malformed');
  if (!verifyS256(verifier, code.codeChallenge)) {
    throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge');
  }
}

export const authorization_code: Grant = {
  grantType: AUTHORIZATION_CODE,
  parameters: ['code', 'redirect_uri', 'code_verifier'],
  clientAuthentication: 'optional',

  async handle(ctx, req) {
    const presented = required(req.params, 'code');
    const redirectUri = required(req.params, 'redirect_uri');
    const codeHash = sha256Hex(presented);
    const code = await ctx.store.authorizationCodes.findByHash(codeHash);
    if (!code) throw invalidCode('no such authorization code');
    const app = await ctx.store.apps.findById(code.appId);
    const user = await ctx.store.users.findById(code.userId);
    if (!app || !user) throw invalidCode('the app or user of the code is gone');
    req.audit.clientId = app.clientId;
    req.audit.userId = user.id;
    req.audit.username = user.username;

    // Whoever presents a used code had it: revoke first, whatever else is wrong.
    if (code.consumedAt !== null) throw await reused(ctx, codeHash);
    await checkClient(ctx, req, app);
    const now = ctx.now();
    if (code.expiresAt <= now) throw new OAuthError('invalid_grant', 'expired authorization code');
    // RFC 6749 §4.1.3: identical to the redirect_uri of the authorization request.
    if (redirectUri !== code.redirectUri) {
      throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request');
    }
    checkPkce(code, req.params.get('code_verifier'));
    if (!user.active) throw new OAuthError('inactive_user', 'user is inactive');
    await stillPermitted(ctx, app, user, code);

    // The app may have lost scopes since the code was issued; never grant more than it has.
    const scopes = code.scopes.filter((s) => app.scopes.includes(s));
    const family = await startRefreshFamily(ctx, { app, user, approvalId: code.approvalId, scopes });
    const accessToken = mintAccessToken(ctx, {
      app,
      user,
      scopes,
      grantType: AUTHORIZATION_CODE,
      familyId: family?.familyId,
    });
    if (!(await ctx.store.authorizationCodes.consume(codeHash, now, accessToken.record.id))) {
      // Lost a race with another exchange of the same code: a second use.
      if (family) await revokeRefreshFamily(ctx, family.familyId);
      throw await reused(ctx, codeHash);
    }
    await ctx.store.accessTokens.insert(accessToken.record);
    const after = family
      ? await ctx.store.authorizationCodes.setRefreshFamily(codeHash, family.familyId)
      : await ctx.store.authorizationCodes.findByHash(codeHash);
    if (after?.reusedAt != null) {
      // A second use arrived while this one was issuing: it may not have seen our ids.
      await revokeIssued(ctx, after);
      throw invalidCode('authorization code used twice while being exchanged');
    }
    return { app, user, scopes, refreshToken: family?.refreshToken, familyId: family?.familyId, accessToken };
  },
};

/** Between authorize and exchange the approval may have been revoked or the pre-authorization removed. */
async function stillPermitted(
  ctx: ServerContext,
  app: App,
  user: { id: string; username: string; profile: string },
  code: AuthorizationCode,
): Promise<void> {
  if (app.policies.permittedUsers === 'admin_approved') {
    if (!(await ctx.store.preauthorizations.covers(app.id, user.username, user.profile))) {
      throw new OAuthError('invalid_app_access', 'user is not admin approved to access this app');
    }
    return;
  }
  const approval = await ctx.store.approvals.find(app.id, user.id);
  if (!approval || (code.approvalId !== null && approval.id !== code.approvalId)) {
    throw new OAuthError('invalid_grant', "user hasn't approved this consumer", {
      detail: 'the approval behind the code was revoked',
    });
  }
}
