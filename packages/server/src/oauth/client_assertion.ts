/**
 * private_key_jwt client authentication (RFC 7523 §2.2, §3; OIDC Core §9) at
 * the token, revocation and introspection endpoints.
 *
 * `client_assertion` is a JWT signed with a certificate registered for the
 * app, with `iss` = `sub` = the client id, `aud` = our issuer identifier alone
 * (draft-ietf-oauth-rfc7523bis §4; the token endpoint URL only for apps that
 * opt in), a required single-use `jti` and a short lifetime. Every failure is
 * 401 `invalid_client` (RFC 7521 §4.2.1).
 */
import type { ServerContext } from '../context.ts';
import { clientAudiences } from './assertions/audiences.ts';
import { peekIssuer } from './assertions/compact.ts';
import { assertionError } from './assertions/errors.ts';
import { verifyJwtAssertion } from './assertions/jwt.ts';
import type { AuthenticatedClient, ClientCredentials } from './client_auth.ts';
import { OAuthError } from './errors.ts';

/** Client assertions live at most this long, whatever the app's assertion policy allows. */
export const CLIENT_ASSERTION_MAX_LIFETIME_SECONDS = 300;

/** The client id a private_key_jwt request claims: `client_id` if sent, else the assertion's `iss`. */
export function claimedClientId(bodyClientId: string | undefined, assertion: string): string | undefined {
  return bodyClientId ?? peekIssuer(assertion);
}

export async function authenticateWithAssertion(
  ctx: ServerContext,
  creds: ClientCredentials,
): Promise<AuthenticatedClient> {
  const assertion = creds.assertion ?? '';
  const iss = peekIssuer(assertion);
  // RFC 7521 §4.2: a client_id sent alongside must name the same client as the assertion.
  if (iss === undefined || (creds.clientId !== undefined && creds.clientId !== iss)) {
    throw assertionError('client', 'claims', 'iss missing or different from client_id');
  }
  const app = await ctx.store.apps.findByClientId(iss);
  // Same answer as an unknown client with a secret (security catalogue §5.11).
  if (!app)
    throw new OAuthError('invalid_client', 'invalid client credentials', { detail: 'unknown client' });

  const now = ctx.now();
  const verified = await verifyJwtAssertion({
    purpose: 'client',
    assertion,
    clientId: app.clientId,
    certificates: await ctx.store.apps.certificates(app.id),
    audiences: clientAudiences(ctx.settings, app),
    audienceMode: 'sole',
    maxLifetimeSeconds: Math.min(
      app.policies.assertion.maxLifetimeSeconds,
      CLIENT_ASSERTION_MAX_LIFETIME_SECONDS,
    ),
    clockSkewSeconds: ctx.settings.clockSkewSeconds,
    now,
  });
  // OIDC Core §9: the jti is single-use; (iss, jti) in the private-key-jwt namespace.
  if (!(await ctx.store.replay.consume(verified.replayKey, verified.expiresAt, now))) {
    throw assertionError('client', 'replay', 'client assertion already used');
  }
  return { app, method: 'private_key_jwt' };
}
