/**
 * Client authentication on token and introspection requests.
 * - client_secret_basic: HTTP Basic with the id and secret form-urlencoded first (RFC 6749 §2.3.1, Appendix B).
 * - client_secret_post: `client_id` + `client_secret` in the body (RFC 6749 §2.3.1).
 * - private_key_jwt: `client_assertion_type` + a signed `client_assertion` (RFC 7523 §2.2, §3; OIDC Core §9).
 * - none: only `client_id`, for public clients (RFC 6749 §2.1, §3.2.1).
 */
import type { Credential } from './credential.ts';
import { signJwt } from './jwt_sign.ts';
import type { SigningKey } from './keys.ts';
import { CLIENT_ASSERTION_TYPE_JWT } from './wire.ts';

export interface ClientAuthContext {
  /** `aud` of a client assertion. */
  assertionAudience: string;
  signingKey: () => Promise<SigningKey>;
  now: () => number;
  /** With method `none`: send `client_id` (refresh and code requests) or not (assertion grants). */
  clientIdWhenNone: boolean;
}

/** A client assertion lives only long enough to be sent (RFC 7523 §3 item 4). */
const CLIENT_ASSERTION_LIFETIME_SECONDS = 60;

/** `application/x-www-form-urlencoded` encoding of one value (RFC 6749 Appendix B). */
export function formEncode(s: string): string {
  return new URLSearchParams([['', s]]).toString().slice(1);
}

export function basicAuthorization(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${formEncode(id)}:${formEncode(secret)}`).toString('base64')}`;
}

/** Adds the credential's client authentication to a request's body and headers. */
export async function applyClientAuth(
  c: Credential,
  form: URLSearchParams,
  headers: Record<string, string>,
  ctx: ClientAuthContext,
): Promise<void> {
  switch (c.clientAuthMethod) {
    case 'client_secret_basic':
      headers.authorization = basicAuthorization(c.clientId, c.clientSecret!);
      return;
    case 'client_secret_post':
      form.set('client_id', c.clientId);
      form.set('client_secret', c.clientSecret!);
      return;
    case 'private_key_jwt': {
      const key = await ctx.signingKey();
      form.set('client_id', c.clientId);
      form.set('client_assertion_type', CLIENT_ASSERTION_TYPE_JWT);
      // RFC 7523 §3: iss = sub = client_id; aud identifies the server (rfc7523bis: its issuer).
      form.set(
        'client_assertion',
        await signJwt(key, {
          iss: c.clientId,
          sub: c.clientId,
          aud: ctx.assertionAudience,
          lifetimeSeconds: CLIENT_ASSERTION_LIFETIME_SECONDS,
          now: ctx.now(),
          kid: c.keyId,
        }),
      );
      return;
    }
    case 'none':
      if (ctx.clientIdWhenNone) form.set('client_id', c.clientId);
      return;
  }
}
