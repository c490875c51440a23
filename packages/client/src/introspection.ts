/**
 * Learning a token's lifetime by introspection (RFC 7662 §2) when the token
 * response has no `expires_in` (Salesforce never sends it). Best effort: any
 * failure means "unknown", never an error, because the token is already issued.
 */
import { applyClientAuth } from './client_auth.ts';
import { assertionAudience } from './providers/common.ts';
import type { ProviderContext } from './providers/types.ts';
import { postForm } from './token_request.ts';
import type { IntrospectionResponse } from './wire.ts';

/** Epoch ms at which the token expires, by our clock; undefined when it cannot be learnt. */
export async function introspectExpiry(
  ctx: ProviderContext,
  accessToken: string,
  requestedAt: number,
): Promise<number | undefined> {
  try {
    const endpoint = await ctx.endpoints.introspection();
    if (endpoint === undefined) return undefined;
    const c = ctx.credential;
    const form = new URLSearchParams({ token: accessToken, token_type_hint: 'access_token' });
    const headers: Record<string, string> = {};
    await applyClientAuth(c, form, headers, {
      assertionAudience: await assertionAudience(ctx, c.clientAssertionAudience),
      signingKey: () => ctx.signingKey(),
      now: () => ctx.now(),
      clientIdWhenNone: true,
    });
    const a = await postForm(ctx.http, endpoint, form, headers);
    const b = a.body as IntrospectionResponse | undefined;
    if (a.status !== 200 || typeof b !== 'object' || b === null || b.active !== true) return undefined;
    if (typeof b.exp !== 'number' || !Number.isFinite(b.exp)) return undefined;
    // The lifetime the server states (exp − iat), counted from when we asked: clock skew does not matter.
    if (typeof b.iat === 'number' && b.exp > b.iat) return requestedAt + (b.exp - b.iat) * 1000;
    return b.exp * 1000;
  } catch {
    return undefined;
  }
}
