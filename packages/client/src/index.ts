/** @s2s-oauth/client: the public surface. Nothing here imports from packages/server. */
export {
  type BuiltAssertion,
  buildSamlAssertion,
  createSamlBearerAssertion,
  NAMEID_UNSPECIFIED,
  SAML2_BEARER_GRANT_TYPE,
  type SamlAssertionContent,
  type SamlBearerAssertion,
  type SamlSigningKey,
  samlBearerGrantParams,
  signSamlAssertion,
} from './saml/index.ts';
