/**
 * JWT bearer grant (RFC 7523 §2.1): a JWT signed with the app's key, asserting
 * `sub` (the username) to `aud`, freshly signed (new `jti`, `iat`, `exp`) for
 * every token request. Salesforce issues no refresh token here: re-signing is
 * how the token is renewed.
 */
import { signJwt } from '../jwt_sign.ts';
import { GRANT_TYPE } from '../wire.ts';
import { assertionAudience, sendGrant } from './common.ts';
import type { ProviderContext, TokenProvider } from './types.ts';

/** The assertion alone, for callers who send it themselves. */
export async function jwtBearerAssertion(ctx: ProviderContext): Promise<string> {
  const c = ctx.credential;
  return signJwt(await ctx.signingKey(), {
    iss: c.clientId,
    sub: c.subject!,
    aud: await assertionAudience(ctx, c.audience),
    lifetimeSeconds: c.assertionLifetimeSeconds,
    now: ctx.now(),
    extra: c.claims,
    kid: c.keyId,
  });
}

export function jwtBearerProvider(ctx: ProviderContext): TokenProvider {
  return {
    async obtain() {
      const form = new URLSearchParams({
        grant_type: GRANT_TYPE.jwtBearer,
        assertion: await jwtBearerAssertion(ctx),
      });
      // RFC 7521 §4.2: client authentication is optional with an assertion grant.
      return sendGrant(ctx, form, { scope: true, clientIdWhenNone: false });
    },
  };
}
