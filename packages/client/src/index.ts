/** @s2s-oauth/client: the public surface. Nothing here imports from packages/server. */

export { FileTokenStore, type FileTokenStoreOptions, fileTokenStore } from './cache/file.ts';
export { MemoryTokenStore, memoryTokenStore } from './cache/memory.ts';
export { RedisTokenStore, type RedisTokenStoreOptions, redisTokenStore } from './cache/redis.ts';
export { type BackoffOptions, SingleFlight } from './cache/single_flight.ts';
export { type SavedEvent, TokenCache } from './cache/token_cache.ts';
export type { TokenState, TokenStore, UpdateResult } from './cache/types.ts';
export { basicAuthorization } from './client_auth.ts';
export {
  CLIENT_AUTH_METHODS,
  type ClientAuthMethod,
  type Credential,
  type CredentialConfig,
  FLOWS,
  type Flow,
  redactCredential,
  validateCredential,
} from './credential.ts';
export { discover, metadataUrls } from './discovery.ts';
export {
  CredentialConfigError,
  OAuthClientError,
  RetryRefusedError,
  S2SClientError,
  TokenEndpointError,
  TokenStoreError,
} from './errors.ts';
export { authorizedFetch } from './fetch.ts';
export { type CredentialOptions, createCredential, NamedCredential } from './named_credential.ts';
export { type PendingAuthorization, pkcePair } from './providers/authorization_code.ts';
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
export type { FetchFn } from './token_request.ts';
export { isFresh, type TokenSet } from './token_set.ts';
export {
  type AuthorizationServerMetadata,
  CLIENT_ASSERTION_TYPE_JWT,
  GRANT_TYPE,
  type IntrospectionResponse,
  type OAuthErrorResponse,
  type TokenResponse,
} from './wire.ts';
