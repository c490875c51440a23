/**
 * The first login of the authorization-code flow (RFC 6749 §4.1) with PKCE
 * (RFC 7636, S256; RFC 9700 §2.1.1): the URL the user opens, then the code
 * exchange once the browser comes back to the redirect URI. Afterwards the
 * credential renews with the refresh token it got (providers/refresh_token.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { CredentialConfigError, OAuthClientError, S2SClientError } from '../errors.ts';
import { GRANT_TYPE, type TokenResponse } from '../wire.ts';
import { sendGrant } from './common.ts';
import type { ProviderContext } from './types.ts';

export interface PendingAuthorization {
  /** Open this in a browser. */
  url: string;
  /** RFC 6749 §10.12: CSRF protection, checked on the way back. */
  state: string;
  /** RFC 7636 §4.1: kept by the client, sent with the code. */
  codeVerifier: string;
  redirectUri: string;
}

/** RFC 7636 §4.1, §4.2: a 43-character verifier from 32 random bytes; challenge = BASE64URL(SHA256(verifier)). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export async function beginAuthorization(
  ctx: ProviderContext,
  opts: { redirectUri?: string } = {},
): Promise<PendingAuthorization> {
  const c = ctx.credential;
  const endpoint = await ctx.endpoints.authorization();
  if (endpoint === undefined) {
    throw new CredentialConfigError(
      c.name,
      'authorizationEndpoint',
      'is not configured and not in the metadata',
    );
  }
  const redirectUri = opts.redirectUri ?? c.redirectUri;
  if (redirectUri === undefined) throw new CredentialConfigError(c.name, 'redirectUri', 'is required');
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(16).toString('base64url');
  const url = new URL(endpoint);
  // RFC 6749 §4.1.1; RFC 7636 §4.3.
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', c.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  if (c.scopes.length > 0) url.searchParams.set('scope', c.scopes.join(' '));
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  for (const [k, v] of Object.entries(c.authorizationParams ?? {})) url.searchParams.set(k, v);
  return { url: url.href, state, codeVerifier: verifier, redirectUri };
}

/** Reads the redirect (RFC 6749 §4.1.2) and exchanges the code (§4.1.3, RFC 7636 §4.5). */
export async function finishAuthorization(
  ctx: ProviderContext,
  pending: PendingAuthorization,
  callback: string | URL,
): Promise<TokenResponse> {
  const c = ctx.credential;
  const q = new URL(callback).searchParams;
  if (q.get('state') !== pending.state) {
    throw new S2SClientError(c.name, `credential ${c.name}: the state came back different (RFC 6749 §10.12)`);
  }
  // RFC 9207 §2.4: if the server names itself, it must be the expected issuer.
  const issuer = await ctx.endpoints.issuer();
  const iss = q.get('iss');
  if (iss !== null && issuer !== undefined && iss !== issuer) {
    throw new S2SClientError(
      c.name,
      `credential ${c.name}: the answer came from issuer ${iss}, not ${issuer}`,
    );
  }
  const error = q.get('error');
  if (error !== null) {
    // RFC 6749 §4.1.2.1: the error came back through the redirect (an HTTP 302/303).
    throw new OAuthClientError(c.name, (await ctx.endpoints.authorization()) ?? '', 302, {
      error,
      error_description: q.get('error_description') ?? undefined,
      error_uri: q.get('error_uri') ?? undefined,
    });
  }
  const code = q.get('code');
  if (code === null) throw new S2SClientError(c.name, `credential ${c.name}: the redirect carries no code`);
  const form = new URLSearchParams({
    grant_type: GRANT_TYPE.authorizationCode,
    code,
    redirect_uri: pending.redirectUri,
    code_verifier: pending.codeVerifier,
  });
  return sendGrant(ctx, form, { scope: false, clientIdWhenNone: true });
}
