/**
 * Refresh token grant (RFC 6749 §6). The refresh token used is the live one
 * from the token store; a rotated one in the response replaces it there, saved
 * before the new access token is handed to anyone (RFC 9700 §4.14.2), so it is
 * never lost and never sent twice. The scope is not sent: the original grant's
 * scope applies (§6).
 */
import { CredentialConfigError } from '../errors.ts';
import { GRANT_TYPE } from '../wire.ts';
import { sendGrant } from './common.ts';
import type { ProviderContext, TokenProvider } from './types.ts';

export function refreshTokenProvider(ctx: ProviderContext): TokenProvider {
  return {
    obtain(input) {
      const c = ctx.credential;
      const rt = input.refreshToken ?? c.refreshToken;
      if (rt === undefined) {
        const how = c.flow === 'authorization_code' ? 'log in first (s2s login web)' : 'give refreshToken';
        throw new CredentialConfigError(c.name, 'refreshToken', `is not known: ${how}`);
      }
      const form = new URLSearchParams({ grant_type: GRANT_TYPE.refreshToken, refresh_token: rt });
      return sendGrant(ctx, form, { scope: false, clientIdWhenNone: true });
    },
  };
}
