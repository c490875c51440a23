/**
 * Wire shapes shared by the client and any RFC 6749 server (ours included):
 * the token response, the error response, introspection and discovery
 * metadata. Types and constants only: nothing here reaches the network.
 */

/** `grant_type` values (RFC 6749 §4.4.2, §6, §4.1.3; RFC 7523 §2.1; RFC 7522 §2.1). */
export const GRANT_TYPE = {
  clientCredentials: 'client_credentials',
  refreshToken: 'refresh_token',
  authorizationCode: 'authorization_code',
  jwtBearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  saml2Bearer: 'urn:ietf:params:oauth:grant-type:saml2-bearer',
} as const;

/** `client_assertion_type` for private_key_jwt (RFC 7523 §2.2). */
export const CLIENT_ASSERTION_TYPE_JWT = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * A successful token response (RFC 6749 §5.1) as Salesforce shapes it, plus the
 * standard `expires_in` that Salesforce leaves out. Only `access_token` and
 * `token_type` are required by the RFC; everything else may be absent.
 */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  /** Seconds from the response (RFC 6749 §5.1); Salesforce omits it. */
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
  /** Salesforce: base URL of the org's API (no trailing slash). */
  instance_url?: string;
  /** Salesforce: the identity URL, `…/id/{orgId}/{userId}`. */
  id?: string;
  /** Salesforce: epoch milliseconds, as a string. */
  issued_at?: string;
  /** Salesforce: base64 HMAC-SHA256 of `id + issued_at`, keyed by the client secret. */
  signature?: string;
  id_token?: string;
  [extra: string]: unknown;
}

/** An error response (RFC 6749 §5.2). */
export interface OAuthErrorResponse {
  error: string;
  error_description?: string;
  error_uri?: string;
}

/** An introspection response (RFC 7662 §2.2); only `active` is required. */
export interface IntrospectionResponse {
  active: boolean;
  exp?: number;
  iat?: number;
  scope?: string;
  client_id?: string;
  username?: string;
  [extra: string]: unknown;
}

/** Authorization server metadata (RFC 8414 §2; OpenID Connect Discovery 1.0 §3): the fields we read. */
export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint?: string;
  authorization_endpoint?: string;
  introspection_endpoint?: string;
  revocation_endpoint?: string;
  token_endpoint_auth_methods_supported?: string[];
  grant_types_supported?: string[];
  code_challenge_methods_supported?: string[];
  [extra: string]: unknown;
}
