/**
 * Introspection of a refresh token (RFC 7662 §2.2), without side effects: presenting a
 * retired token here is not "use", so it never triggers reuse detection. Active only
 * when a refresh with it would succeed now (grace-window retries aside).
 */
import type { ServerContext } from '../../context.ts';
import { identityUrl } from '../../context.ts';
import type { App } from '../../domain/types.ts';
import type { FoundRefreshToken } from '../../store/interfaces.ts';
import { isOAuthError } from '../errors.ts';
import { passed, refreshPolicies, refreshTokenDeadline } from './refresh_policy.ts';
import { checkRefreshSubject } from './refresh_rotation.ts';

export type RefreshIntrospection = { active: false } | ({ active: true } & Record<string, unknown>);

/** What the calling app may learn about one of its refresh tokens. */
export async function introspectRefreshToken(
  ctx: ServerContext,
  caller: App,
  found: FoundRefreshToken,
): Promise<RefreshIntrospection> {
  const { token, family } = found;
  if (family.appId !== caller.id) return { active: false };
  if (family.revokedAt !== null || token.retiredAt !== null) return { active: false };
  const deadline = refreshTokenDeadline(refreshPolicies(caller), family, token);
  if (passed(deadline, ctx.now())) return { active: false };
  let user: Awaited<ReturnType<typeof checkRefreshSubject>>;
  try {
    user = await checkRefreshSubject(ctx, caller, found, {});
  } catch (err) {
    if (isOAuthError(err)) return { active: false };
    throw err;
  }
  const iat = Math.floor(token.issuedAt / 1000);
  return {
    active: true,
    scope: family.scopes.filter((s) => caller.scopes.includes(s)).join(' '),
    client_id: caller.clientId,
    username: user.username,
    sub: identityUrl(ctx.settings, ctx.orgId, user.id),
    user_id: user.id,
    token_type: 'refresh_token',
    ...(deadline === null ? {} : { exp: Math.floor(deadline / 1000) }),
    iat,
    nbf: iat,
    iss: ctx.settings.issuer,
  };
}
