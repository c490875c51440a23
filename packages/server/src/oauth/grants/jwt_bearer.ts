/**
 * The JWT bearer authorization grant (RFC 7523 §2.1), Salesforce-compatible
 * (salesforce-flows.md §1): a JWT signed with a certificate registered for the
 * app is the whole request. No client secret is needed; credentials that are
 * sent must be right (token_endpoint.ts) and name the same app (RFC 7521 §4.1).
 * No refresh token is issued (RFC 7521 §4.1 "SHOULD NOT … outlive the assertion").
 */

import { grantAudiences } from '../assertions/audiences.ts';
import { peekIssuer } from '../assertions/compact.ts';
import { assertionError } from '../assertions/errors.ts';
import { extraClaims } from '../assertions/ext.ts';
import { verifyJwtAssertion } from '../assertions/jwt.ts';
import { OAuthError } from '../errors.ts';
import { required } from '../params.ts';
import { parseScopeParam } from '../scopes.ts';
import { requireSameClient } from './assertion_grant.ts';
import type { Grant } from './grant.ts';
import { assertionScopes, requirePermittedUser } from './permitted_users.ts';

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export const jwt_bearer: Grant = {
  grantType: JWT_BEARER,
  parameters: ['assertion'],
  clientAuthentication: 'optional',

  async handle(ctx, req) {
    const assertion = required(req.params, 'assertion');
    // `iss` is read unverified only to find the app whose certificates verify the JWT.
    const iss = peekIssuer(assertion);
    if (iss === undefined) throw assertionError('grant', 'malformed', 'no iss, or not a compact JWS');
    req.audit.clientId = iss;
    const app = await ctx.store.apps.findByClientId(iss);
    // Salesforce answers an unknown consumer key with 400 invalid_client_id, not RFC 6749's 401
    // invalid_client: the assertion is a grant, and no client authentication was attempted.
    if (!app) throw new OAuthError('invalid_client_id', 'client identifier invalid');

    const now = ctx.now();
    const verified = await verifyJwtAssertion({
      purpose: 'grant',
      assertion,
      clientId: app.clientId,
      certificates: await ctx.store.apps.certificates(app.id),
      audiences: grantAudiences(ctx.settings),
      audienceMode: 'any',
      maxLifetimeSeconds: app.policies.assertion.maxLifetimeSeconds,
      clockSkewSeconds: ctx.settings.clockSkewSeconds,
      now,
      // Signed, so a refusal from here on (aud, exp …) is attributed to this user.
      onSignatureVerified: (p) => {
        if (typeof p.sub === 'string') req.audit.username = p.sub;
      },
    });
    const { sub } = verified.claims;

    // RFC 7521 §4.1 / RFC 6749 §5.2: a grant issued to another client is invalid_grant.
    requireSameClient(req, app);
    const ext = extraClaims(verified.payload);
    const requested = parseScopeParam(req.params.get('scope'));

    // RFC 7523 §3 item 7: single use, decided by one atomic insert (security catalogue §3 step 9).
    if (!(await ctx.store.replay.consume(verified.replayKey, verified.expiresAt, now))) {
      throw assertionError('grant', 'replay', 'assertion already used');
    }

    // RFC 7523 §3 item 2: sub is a username, matched exactly (no folding, catalogue J23).
    const user = await ctx.store.users.findByUsername(sub);
    if (!user || user.username !== sub) throw assertionError('grant', 'claims', 'sub names no user');
    req.audit.userId = user.id;
    if (!user.active) throw new OAuthError('inactive_user', 'user is inactive');

    const { approval } = await requirePermittedUser(ctx, app, user, { selfAuthorizedNeedsApproval: true });
    return { app, user, scopes: assertionScopes(app, approval, requested), ext };
  },
};
