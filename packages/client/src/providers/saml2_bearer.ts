/**
 * SAML 2.0 bearer grant (RFC 7522 §2.1): an Assertion signed with the app's key
 * (the signer of ../saml), Issuer = client id, NameID = the username,
 * Recipient = the token endpoint, built afresh (new ID, IssueInstant, window)
 * for every token request.
 */
import { CredentialConfigError } from '../errors.ts';
import { createSamlBearerAssertion } from '../saml/index.ts';
import { GRANT_TYPE } from '../wire.ts';
import { assertionAudience, sendGrant } from './common.ts';
import type { ProviderContext, TokenProvider } from './types.ts';

/** The `assertion` parameter alone (base64url of the signed XML). */
export async function saml2BearerAssertion(ctx: ProviderContext): Promise<string> {
  const c = ctx.credential;
  const key = await ctx.signingKey();
  if (key.certificatePem === undefined) {
    throw new CredentialConfigError(c.name, 'certificate', 'is required for saml2_bearer');
  }
  if (!key.alg.startsWith('RS')) {
    throw new CredentialConfigError(c.name, 'privateKey', 'must be an RSA key for saml2_bearer (RSA-SHA256)');
  }
  const tokenEndpoint = await ctx.endpoints.token();
  return createSamlBearerAssertion(
    {
      issuer: c.clientId,
      nameId: c.subject!,
      audience: await assertionAudience(ctx, c.audience),
      recipient: tokenEndpoint,
      lifetimeSeconds: c.assertionLifetimeSeconds,
      now: ctx.now(),
      attributes: c.samlAttributes,
    },
    { privateKey: key.key, certificatePem: key.certificatePem },
  ).assertion;
}

export function saml2BearerProvider(ctx: ProviderContext): TokenProvider {
  return {
    async obtain() {
      const form = new URLSearchParams({
        grant_type: GRANT_TYPE.saml2Bearer,
        assertion: await saml2BearerAssertion(ctx),
      });
      // RFC 7522 §2.1 / RFC 7521 §4.2: client authentication is optional.
      return sendGrant(ctx, form, { scope: true, clientIdWhenNone: false });
    },
  };
}
