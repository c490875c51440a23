/**
 * SAML 2.0 bearer assertions for `urn:ietf:params:oauth:grant-type:saml2-bearer`
 * (RFC 7522): build, sign, and encode as the `assertion` parameter
 * (base64url without padding, RFC 7522 §2.1 / RFC 4648 §5).
 */
import { type BuiltAssertion, buildSamlAssertion, type SamlAssertionContent } from './build.ts';
import { type SamlSigningKey, signSamlAssertion } from './sign.ts';

export {
  type BuiltAssertion,
  buildSamlAssertion,
  NAMEID_UNSPECIFIED,
  type SamlAssertionContent,
} from './build.ts';
export { type SamlSigningKey, signSamlAssertion } from './sign.ts';

export const SAML2_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:saml2-bearer';

export interface SamlBearerAssertion extends BuiltAssertion {
  /** The signed XML, base64url-encoded: the `assertion` parameter. */
  assertion: string;
  /** The signed XML. */
  signedXml: string;
}

export function createSamlBearerAssertion(c: SamlAssertionContent, key: SamlSigningKey): SamlBearerAssertion {
  const built = buildSamlAssertion(c);
  const signedXml = signSamlAssertion(built.xml, key);
  return { ...built, signedXml, assertion: Buffer.from(signedXml, 'utf8').toString('base64url') };
}

/** The form parameters of the token request (RFC 7522 §2.1). */
export function samlBearerGrantParams(assertion: string, scope?: string): URLSearchParams {
  const p = new URLSearchParams({ grant_type: SAML2_BEARER_GRANT_TYPE, assertion });
  if (scope !== undefined && scope !== '') p.set('scope', scope);
  return p;
}
