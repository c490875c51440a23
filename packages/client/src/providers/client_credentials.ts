/**
 * Client credentials grant (RFC 6749 §4.4): the client's own authentication is
 * the grant, so a new token is simply asked for again (no refresh token, §4.4.3).
 */
import { GRANT_TYPE } from '../wire.ts';
import { sendGrant } from './common.ts';
import type { ProviderContext, TokenProvider } from './types.ts';

export function clientCredentialsProvider(ctx: ProviderContext): TokenProvider {
  return {
    obtain() {
      const form = new URLSearchParams({ grant_type: GRANT_TYPE.clientCredentials });
      return sendGrant(ctx, form, { scope: true, clientIdWhenNone: true });
    },
  };
}
