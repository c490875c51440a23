/** Domain records as the core sees them: no SQL shapes, no HTTP shapes. */

/** Salesforce "Permitted Users": self-authorize, or admin-approved (pre-authorized) only. */
export type PermittedUsers = 'all_users' | 'admin_approved';
export type AccessTokenFormat = 'opaque' | 'jwt';
/** Salesforce's refresh token policies (connected app → Edit Policies). */
export type RefreshTokenPolicy = 'until_revoked' | 'immediately' | 'expire_after' | 'expire_if_unused';

export interface AppPolicies {
  permittedUsers: PermittedUsers;
  clientCredentials: { enabled: boolean; runAs: string | null };
  accessToken: { format: AccessTokenFormat; ttlSeconds: number };
  refreshToken: { policy: RefreshTokenPolicy; seconds: number | null; rotate: boolean };
  assertion: {
    maxLifetimeSeconds: number;
    /**
     * private_key_jwt: also accept the token endpoint URL as `aud` (rfc7523bis §4 says issuer
     * only). Optional: apps stored before it existed read as false.
     */
    allowTokenEndpointAudience?: boolean;
    /**
     * SAML bearer: also accept RSA-SHA1 signatures and SHA-1 digests (RFC 6931 §2.1.1: not
     * recommended). Optional: apps stored before it existed read as false.
     */
    allowSha1?: boolean;
  };
}

export interface App {
  id: string;
  clientId: string;
  name: string;
  scopes: string[];
  callbackUrls: string[];
  policies: AppPolicies;
  createdAt: number;
  updatedAt: number;
}

export interface AppSecret {
  id: string;
  appId: string;
  /** SHA-256 (hex) of the secret: secrets are 256-bit random, so a fast hash is safe. */
  hash: string;
  /** Last four characters, to tell secrets apart in listings. */
  hint: string;
  createdAt: number;
}

export interface AppCertificate {
  appId: string;
  /** SHA-256 of the DER certificate, lowercase hex. */
  thumbprint: string;
  pem: string;
  subject: string;
  notBefore: number;
  notAfter: number;
  createdAt: number;
}

export interface User {
  id: string;
  username: string;
  passwordHash: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  profile: string;
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

export type PreauthorizationKind = 'user' | 'profile';

export interface Preauthorization {
  id: string;
  appId: string;
  kind: PreauthorizationKind;
  /** A username for kind `user`, a profile name for kind `profile`. */
  value: string;
  createdAt: number;
}

export interface Approval {
  id: string;
  appId: string;
  userId: string;
  scopes: string[];
  /** `consent` (the user, through the authorization-code flow) or `admin`. */
  source: 'consent' | 'admin';
  createdAt: number;
  updatedAt: number;
}

export interface AccessTokenRecord {
  /** The token's identifier: the `jti` of a JWT token, a random id for an opaque one. */
  id: string;
  /** SHA-256 of an opaque token; null for JWT tokens (looked up by id). */
  tokenHash: string | null;
  format: AccessTokenFormat;
  appId: string;
  userId: string;
  scopes: string[];
  grantType: string;
  /** Additional claims carried from an assertion (RFC 7523 / 7522 extra claims). */
  ext: Record<string, unknown> | null;
  issuedAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export interface SigningKey {
  kid: string;
  alg: 'ES256' | 'RS256';
  privatePem: string;
  publicJwk: Record<string, unknown>;
  createdAt: number;
  retiredAt: number | null;
}

export interface AuditEvent {
  id?: number;
  at: number;
  /** `token` for grant attempts; other kinds may follow (revoke, approval …). */
  event: string;
  clientId: string | null;
  userId: string | null;
  username: string | null;
  grantType: string | null;
  result: 'success' | 'failure';
  errorCode: string | null;
  errorDescription: string | null;
  sourceIp: string | null;
}
