/** The parts of a token request every flow shares: scope, extra parameters, client authentication. */
import { applyClientAuth } from '../client_auth.ts';
import { requestToken } from '../token_request.ts';
import type { TokenResponse } from '../wire.ts';
import type { ProviderContext } from './types.ts';

export interface GrantRequestOptions {
  /** RFC 6749 §3.3: send the configured scopes. */
  scope: boolean;
  /** With client authentication `none`, send `client_id` (RFC 6749 §3.2.1) or leave it out (assertion grants). */
  clientIdWhenNone: boolean;
}

/** The `aud` of assertions: configured, else the issuer, else the token endpoint URL (RFC 7523 §3 item 3). */
export async function assertionAudience(
  ctx: ProviderContext,
  configured: string | undefined,
): Promise<string> {
  return configured ?? (await ctx.endpoints.issuer()) ?? (await ctx.endpoints.token());
}

/** Completes and sends a token request. */
export async function sendGrant(
  ctx: ProviderContext,
  form: URLSearchParams,
  opts: GrantRequestOptions,
): Promise<TokenResponse> {
  const c = ctx.credential;
  if (opts.scope && c.scopes.length > 0) form.set('scope', c.scopes.join(' '));
  // Extra parameters (RFC 8707 `resource`, an `audience`, …) go on every request, re-fetches included.
  for (const [k, v] of Object.entries(c.tokenParams)) {
    for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
  }
  const headers: Record<string, string> = {};
  await applyClientAuth(c, form, headers, {
    assertionAudience: await assertionAudience(ctx, c.clientAssertionAudience),
    signingKey: () => ctx.signingKey(),
    now: () => ctx.now(),
    clientIdWhenNone: opts.clientIdWhenNone,
  });
  return requestToken(ctx.http, await ctx.endpoints.token(), form, headers);
}
