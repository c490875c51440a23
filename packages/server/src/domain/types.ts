/** Domain records as the core sees them: no SQL shapes, no HTTP shapes. */

/** Salesforce "Permitted Users": self-authorize, or admin-approved (pre-authorized) only. */
export type PermittedUsers = 'all_users' | 'admin_approved';
export type AccessTokenFormat = 'opaque' | 'jwt';
/** Salesforce's refresh token policies (connected app → Edit Policies). */
export type RefreshTokenPolicy = 'until_revoked' | 'immediately' | 'expire_after' | 'expire_if_unused';

/**
 * Refresh tokens (RFC 6749 §6, RFC 9700 §4.14). The optional fields came later:
 * apps stored before them read as the defaults (services/apps.ts DEFAULT_POLICIES).
 */
export interface RefreshTokenPolicies {
  policy: RefreshTokenPolicy;
  /** N of `expire_after` (family lifetime) and `expire_if_unused` (idle time). */
  seconds: number | null;
  /** Every use returns a new refresh token and retires the old one (RFC 9700 §4.14.2). */
  rotate: boolean;
  /** Salesforce's "Require Secret for Refresh Token Flow": the client must authenticate. Default true. */
  requireSecret?: boolean;
  /** Seconds in which a retry of one refresh gets the same successor pair; 0 = off (default). */
  graceSeconds?: number;
  /** Absolute family lifetime, fixed when the family starts; rotation never extends it. Null = none. */
  maxLifetimeSeconds?: number | null;
}

/** The REST API (resource server) for the app's tokens. */
export interface ApiPolicies {
  /** API calls allowed per UTC day across the app's tokens (Salesforce's daily API request limit). */
  dailyLimit: number;
}

export interface AppPolicies {
  permittedUsers: PermittedUsers;
  clientCredentials: { enabled: boolean; runAs: string | null };
  accessToken: { format: AccessTokenFormat; ttlSeconds: number };
  refreshToken: RefreshTokenPolicies;
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
  /** Optional: apps stored before it existed read as the default (services/apps.ts DEFAULT_POLICIES). */
  api?: ApiPolicies;
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
  /** The refresh family it was issued from (code exchange or refresh); revoked with it. */
  familyId?: string;
}

/**
 * One refresh-token family: everything issued from one code exchange (RFC 9700
 * §4.14.2). Bound to app, user and approval; the scopes never change.
 */
export interface RefreshFamily {
  id: string;
  appId: string;
  userId: string;
  /** The approval the family was issued under; null when none (pre-authorized users). */
  approvalId: string | null;
  scopes: string[];
  createdAt: number;
  /** Absolute end of the family, fixed at creation; null = none. */
  expiresAt: number | null;
  revokedAt: number | null;
}

/** One refresh token of a family. Only its SHA-256 is stored. */
export interface RefreshTokenRecord {
  /** SHA-256 (hex) of the token. */
  hash: string;
  familyId: string;
  /** The token it replaced by rotation; null for the family's first token. */
  parentHash: string | null;
  issuedAt: number;
  /** Last use without rotation (rotating tokens are used once). */
  lastUsedAt: number | null;
  /** Set when rotated away or when the family is revoked. */
  retiredAt: number | null;
  /** The token that replaced it (rotation). */
  successorHash: string | null;
  /**
   * Grace window only: the successor pair, sealed with a key derived from this
   * token's plaintext (never stored), so only a holder of this token can open it.
   */
  graceSealed: string | null;
  graceUntil: number | null;
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
  /**
   * The access token a successful grant issued: its `jti` (JWT) or record id (opaque). For a
   * stateless JWT this event is the only record of its issue (migration 0009).
   */
  tokenId?: string | null;
}
