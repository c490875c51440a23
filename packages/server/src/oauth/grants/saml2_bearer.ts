/**
 * The SAML 2.0 bearer assertion grant (RFC 7522 §2.1), Salesforce-compatible
 * (salesforce-flows.md §2): a SAML Assertion signed with a certificate
 * registered for the app is the whole request; no client secret is needed.
 * The rules after verification are the JWT bearer grant's: same audiences,
 * replay store, approval and scope decision, `ext` cap. No refresh token
 * (Salesforce: "This flow doesn't support refresh tokens").
 */

import { tokenEndpointUrl } from '../../context.ts';
import { grantAudiences } from '../assertions/audiences.ts';
import { extraClaims } from '../assertions/ext.ts';
import { OAuthError } from '../errors.ts';
import { required } from '../params.ts';
import { readUntrustedAssertion, samlReplayKey, verifySamlAssertion } from '../saml/index.ts';
import { parseScopeParam } from '../scopes.ts';
import { requireSameClient } from './assertion_grant.ts';
import type { Grant } from './grant.ts';
import { assertionScopes, requirePermittedUser } from './permitted_users.ts';

export const SAML2_BEARER = 'urn:ietf:params:oauth:grant-type:saml2-bearer';

const invalid = (description: string, detail?: string) =>
  new OAuthError('invalid_grant', description, detail === undefined ? {} : { detail });

export const saml2_bearer: Grant = {
  grantType: SAML2_BEARER,
  parameters: ['assertion'],
  clientAuthentication: 'optional',

  async handle(ctx, req) {
    // Decode, hardened parse, structure. The Issuer is read unverified only to find the app.
    const untrusted = readUntrustedAssertion(required(req.params, 'assertion'));
    req.audit.clientId = untrusted.issuer;
    const app = await ctx.store.apps.findByClientId(untrusted.issuer);
    // RFC 7522 §3 item 1 / §3.1: an assertion from an unknown issuer is an invalid grant.
    if (!app) throw invalid('Issuer is not the client id of a registered app');

    const now = ctx.now();
    const registered = await ctx.store.apps.certificates(app.id);
    // As for JWT assertions, a certificate outside its validity period verifies nothing.
    const certificates = registered.filter((c) => c.notBefore <= now && now <= c.notAfter).map((c) => c.pem);
    if (registered.length > 0 && certificates.length === 0) {
      throw invalid("the app's certificates are expired or not yet valid");
    }
    const verified = verifySamlAssertion(untrusted, {
      certificates,
      audiences: grantAudiences(ctx.settings),
      recipient: tokenEndpointUrl(ctx.settings),
      maxLifetimeSeconds: app.policies.assertion.maxLifetimeSeconds,
      allowSha1: app.policies.assertion.allowSha1 === true,
      now,
      clockSkewSeconds: ctx.settings.clockSkewSeconds,
    });
    req.audit.username = verified.nameId;

    requireSameClient(req, app);
    const ext = extraClaims(verified.attributes);
    const requested = parseScopeParam(req.params.get('scope'));

    // Single use by (Issuer, ID), one atomic insert, kept while the assertion could still be accepted.
    const keepUntil = verified.expiresAt + ctx.settings.clockSkewSeconds * 1000;
    if (!(await ctx.store.replay.consume(samlReplayKey(verified.issuer, verified.id), keepUntil, now))) {
      throw invalid('assertion ID already used');
    }

    // NameID is a username, matched exactly: no case folding or trimming (catalogue J23).
    const user = await ctx.store.users.findByUsername(verified.nameId);
    if (!user || user.username !== verified.nameId) throw invalid('NameID is not the username of a user');
    req.audit.userId = user.id;
    if (!user.active) throw invalid('NameID names an inactive user');

    const { approval } = await requirePermittedUser(ctx, app, user, { selfAuthorizedNeedsApproval: true });
    return { app, user, scopes: assertionScopes(app, approval, requested), ext };
  },
};
