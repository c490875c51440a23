/**
 * Redeeming a refresh token (RFC 6749 §6) under rotation and reuse detection
 * (RFC 9700 §4.14.2, security catalogue §6):
 * - every check answers Salesforce's `invalid_grant` / `expired access/refresh token`
 *   whatever the reason (the reason is logged as `detail`, never sent);
 * - with rotation, one atomic store step retires the token and inserts its successor
 *   and the new access token: of N concurrent uses exactly one wins;
 * - a retired token presented again is reuse: the family and its access tokens are
 *   revoked and a `refresh_reuse` audit event written — except a retry of the same
 *   refresh by the same authenticated client within the app's grace window, which gets
 *   the same successor pair back (refresh_grace.ts).
 */
import type { ServerContext } from '../../context.ts';
import type { App, User } from '../../domain/types.ts';
import type { FoundRefreshToken } from '../../store/interfaces.ts';
import { OAuthError } from '../errors.ts';
import { narrowScopes } from '../scopes.ts';
import { type IssuedAccessToken, mintAccessToken } from './access_token.ts';
import { openGracePair, sealGracePair } from './refresh_grace.ts';
import {
  type EffectiveRefreshPolicies,
  familyDeadline,
  idleDeadline,
  passed,
  refreshPolicies,
} from './refresh_policy.ts';
import { findRefreshToken, newRefreshToken, refreshTokenHash, tokenRecord } from './refresh_token.ts';

export interface RedeemInput {
  /** The client: authenticated, or named by `client_id` when the app allows that. */
  app: App;
  authenticated: boolean;
  token: string;
  /** The `scope` parameter, parsed; undefined when absent. */
  requested: string[] | undefined;
  audit: { userId?: string; username?: string };
  sourceIp: string | null;
}

export interface Redeemed {
  user: User;
  scopes: string[];
  /** The successor (rotation on); absent when the same refresh token stays valid. */
  refreshToken?: string;
  accessToken: IssuedAccessToken;
  familyId: string;
}

const EXPIRED = 'expired access/refresh token';
const refuse = (detail: string) => new OAuthError('invalid_grant', EXPIRED, { detail });

export async function redeemRefreshToken(ctx: ServerContext, input: RedeemInput): Promise<Redeemed> {
  const { app } = input;
  const found = await findRefreshToken(ctx, input.token);
  if (!found) throw refuse('unknown refresh token');
  const { family } = found;
  // RFC 6749 §6, §10.4: the token must have been issued to this client.
  if (family.appId !== app.id) throw refuse('refresh token issued to another client');
  input.audit.userId = family.userId;
  const policies = refreshPolicies(app);
  const now = ctx.now();
  if (family.revokedAt !== null) throw refuse('refresh family revoked');
  if (passed(familyDeadline(policies, family), now)) throw refuse('refresh family expired (policy)');
  const user = await checkRefreshSubject(ctx, app, found, input.audit);

  if (found.token.retiredAt !== null) return retried(ctx, input, user, policies, found);
  if (passed(idleDeadline(policies, found.token), now)) throw refuse('refresh token unused too long');

  // RFC 6749 §6: the scope may only narrow; the family (and a successor) keeps its own.
  const scopes = narrowScopes(
    input.requested,
    family.scopes.filter((s) => app.scopes.includes(s)),
  );
  const accessToken = mintAccessToken(ctx, {
    app,
    user,
    scopes,
    grantType: 'refresh_token',
    familyId: family.id,
  });

  if (!policies.rotate) {
    if (await ctx.store.refreshTokens.recordUse(found.token.hash, now, accessToken.record)) {
      return { user, scopes, accessToken, familyId: family.id };
    }
    return retried(ctx, input, user, policies, await reread(ctx, found));
  }

  const successor = newRefreshToken();
  const graceOn = policies.graceSeconds > 0 && input.authenticated;
  const won = await ctx.store.refreshTokens.rotate({
    parentHash: found.token.hash,
    at: now,
    successor: tokenRecord(refreshTokenHash(successor), family.id, found.token.hash, now),
    accessToken: accessToken.record,
    grace: graceOn
      ? {
          sealed: sealGracePair(input.token, family.id, {
            refreshToken: successor,
            accessToken: accessToken.token,
            accessTokenId: accessToken.record.id,
            scope: scopeKey(input.requested),
          }),
          until: now + policies.graceSeconds * 1000,
        }
      : null,
  });
  if (won) return { user, scopes, refreshToken: successor, accessToken, familyId: family.id };
  // Another request retired it between our read and our update (a race, or revocation).
  return retried(ctx, input, user, policies, await reread(ctx, found));
}

const scopeKey = (requested: string[] | undefined): string | null => requested?.join(' ') ?? null;

async function reread(ctx: ServerContext, found: FoundRefreshToken): Promise<FoundRefreshToken> {
  const again = await ctx.store.refreshTokens.findByHash(found.token.hash);
  if (!again) throw refuse('refresh token vanished');
  return again;
}

/**
 * The family's user may still get tokens from this app: exists, is active, is still
 * pre-authorized (admin_approved apps), and the approval it was issued under still stands.
 */
export async function checkRefreshSubject(
  ctx: ServerContext,
  app: App,
  { family }: FoundRefreshToken,
  audit: { username?: string },
): Promise<User> {
  const user = await ctx.store.users.findById(family.userId);
  if (!user) throw refuse('user no longer exists');
  audit.username = user.username;
  if (!user.active) throw new OAuthError('inactive_user', 'user is inactive');
  if (app.policies.permittedUsers === 'admin_approved') {
    if (!(await ctx.store.preauthorizations.covers(app.id, user.username, user.profile))) {
      throw new OAuthError('invalid_app_access', 'user is not admin approved to access this app');
    }
  }
  // Bound to the approval: once it is revoked the family is over (its deletion revokes it too).
  if (family.approvalId !== null) {
    const approval = await ctx.store.approvals.findById(family.approvalId);
    if (!approval || approval.appId !== app.id || approval.userId !== user.id) {
      throw refuse('the approval behind the refresh family was revoked');
    }
  }
  return user;
}

/** A retired token: the same successor pair within the grace window, else reuse. */
async function retried(
  ctx: ServerContext,
  input: RedeemInput,
  user: User,
  policies: EffectiveRefreshPolicies,
  found: FoundRefreshToken,
): Promise<Redeemed> {
  const { token, family } = found;
  if (family.revokedAt !== null) throw refuse('refresh family revoked');
  const replay = await graceReplay(ctx, input, user, policies, found);
  if (replay) return replay;

  // RFC 9700 §4.14.2: the server cannot tell the client from an attacker; end the family.
  const now = ctx.now();
  await ctx.store.refreshTokens.revokeFamily(family.id, now);
  ctx.log.warn(
    { familyId: family.id, clientId: input.app.clientId, userId: family.userId, retiredAt: token.retiredAt },
    'refresh token reuse: family revoked',
  );
  try {
    await ctx.store.audit.record({
      at: now,
      event: 'refresh_reuse',
      clientId: input.app.clientId,
      userId: user.id,
      username: user.username,
      grantType: 'refresh_token',
      result: 'failure',
      errorCode: 'invalid_grant',
      errorDescription: 'retired refresh token presented: family and its access tokens revoked',
      sourceIp: input.sourceIp,
    });
  } catch (err) {
    ctx.log.error({ err }, 'audit event could not be written');
  }
  throw refuse('retired refresh token presented again (reuse)');
}

/**
 * The same pair again, if this is a retry of the very refresh that retired the token:
 * an authenticated client, within the grace window, the same scope parameter, and the
 * successor still unused and its access token still live.
 */
async function graceReplay(
  ctx: ServerContext,
  input: RedeemInput,
  user: User,
  policies: EffectiveRefreshPolicies,
  { token, family }: FoundRefreshToken,
): Promise<Redeemed | null> {
  const now = ctx.now();
  if (!input.authenticated || policies.graceSeconds === 0) return null;
  if (token.graceSealed === null || token.graceUntil === null || now >= token.graceUntil) return null;
  const pair = openGracePair(input.token, family.id, token.graceSealed);
  if (!pair || pair.scope !== scopeKey(input.requested)) return null;
  const successor = await ctx.store.refreshTokens.findByHash(refreshTokenHash(pair.refreshToken));
  if (!successor || successor.token.retiredAt !== null) return null;
  const record = await ctx.store.accessTokens.findById(pair.accessTokenId);
  if (!record || record.revokedAt !== null || record.expiresAt <= now) return null;
  return {
    user,
    scopes: record.scopes,
    refreshToken: pair.refreshToken,
    accessToken: {
      token: pair.accessToken,
      record,
      expiresIn: Math.max(1, Math.floor((record.expiresAt - now) / 1000)),
    },
    familyId: family.id,
  };
}
