/**
 * Table shapes as Kysely sees them. One schema serves SQLite and PostgreSQL:
 * times are integer epoch milliseconds, booleans are 0/1 integers, lists and
 * policies are JSON text. See migrations.ts for the DDL.
 */
import type { Generated } from 'kysely';

export interface SettingsTable {
  key: string;
  value: string;
}

export interface UsersTable {
  id: string;
  username: string;
  password_hash: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  profile: string;
  active: number;
  created_at: number;
  updated_at: number;
}

export interface AppsTable {
  id: string;
  client_id: string;
  name: string;
  scopes: string;
  callback_urls: string;
  policies: string;
  created_at: number;
  updated_at: number;
}

export interface AppSecretsTable {
  id: string;
  app_id: string;
  hash: string;
  hint: string;
  created_at: number;
}

export interface AppCertificatesTable {
  app_id: string;
  thumbprint: string;
  pem: string;
  subject: string;
  not_before: number;
  not_after: number;
  created_at: number;
}

export interface PreauthorizationsTable {
  id: string;
  app_id: string;
  kind: string;
  value: string;
  created_at: number;
}

export interface ApprovalsTable {
  id: string;
  app_id: string;
  user_id: string;
  scopes: string;
  source: string;
  created_at: number;
  updated_at: number;
}

export interface AccessTokensTable {
  id: string;
  token_hash: string | null;
  format: string;
  app_id: string;
  user_id: string;
  scopes: string;
  grant_type: string;
  ext: string | null;
  issued_at: number;
  expires_at: number;
  revoked_at: number | null;
  /** Added by 0002_refresh_tokens: the refresh family the token came from. */
  family_id: string | null;
}

/** 0002_refresh_tokens: one row per code exchange (RFC 9700 §4.14.2 "family"). */
export interface RefreshFamiliesTable {
  id: string;
  app_id: string;
  user_id: string;
  approval_id: string | null;
  scopes: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

/** 0002_refresh_tokens: one row per refresh token, stored as SHA-256 only. */
export interface RefreshTokensTable {
  token_hash: string;
  family_id: string;
  parent_hash: string | null;
  issued_at: number;
  last_used_at: number | null;
  retired_at: number | null;
  successor_hash: string | null;
  grace_sealed: string | null;
  grace_until: number | null;
}

export interface UsedAssertionsTable {
  key: string;
  expires_at: number;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  private_pem: string;
  public_jwk: string;
  created_at: number;
  retired_at: number | null;
  /** 0005: when the key starts signing; null = from creation. */
  activates_at?: number | null;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: number;
  event: string;
  client_id: string | null;
  user_id: string | null;
  username: string | null;
  grant_type: string | null;
  result: string;
  error_code: string | null;
  error_description: string | null;
  source_ip: string | null;
  /** 0009: the access token a successful grant issued (jti or record id). */
  token_id: string | null;
}

export interface AuthorizationCodesTable {
  code_hash: string;
  app_id: string;
  user_id: string;
  approval_id: string | null;
  redirect_uri: string;
  scopes: string;
  code_challenge: string | null;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
  access_token_id: string | null;
  refresh_family_id: string | null;
  reused_at: number | null;
}

export interface BrowserSessionsTable {
  id_hash: string;
  user_id: string | null;
  csrf_secret: string;
  created_at: number;
  expires_at: number;
}

export interface LoginFailuresTable {
  id: string;
  username: string;
  address: string;
  at: number;
}

/** 0004_records: one row per record of the records API; every non-system field in `fields` (JSON). */
export interface RecordsTable {
  id: string;
  org_id: string;
  object: string;
  fields: string;
  owner_id: string;
  created_by_id: string;
  last_modified_by_id: string;
  created_at: number;
  last_modified_at: number;
  /** Bumped by every patch: the compare-and-set of RecordStore.patch. */
  revision: number;
}

/** 0004_records: API calls per app per UTC day (the daily API request limit). */
export interface ApiUsageTable {
  app_id: string;
  day: string;
  count: number;
}

/**
 * 0007_token_revocations: revocations of stateless JWT access tokens, which have no row in
 * access_tokens (oauth/tokens/revocations.ts). `seq` only grows, in commit order, so a
 * process catches up by reading `seq >` the last it saw.
 */
export interface TokenRevocationsTable {
  seq: Generated<number>;
  /** `jti`: one token; `app_user`: every token of (app_id, user_id) issued at or before `not_before`. */
  kind: string;
  jti: string | null;
  app_id: string | null;
  user_id: string | null;
  /** For `app_user`: the cutoff, epoch ms (tokens with an issue time ≤ it are revoked). */
  not_before: number | null;
  /** When no token it covers can still be live: the row may then be forgotten and purged. */
  expires_at: number;
  created_at: number;
}

export interface Database {
  settings: SettingsTable;
  users: UsersTable;
  apps: AppsTable;
  app_secrets: AppSecretsTable;
  app_certificates: AppCertificatesTable;
  preauthorizations: PreauthorizationsTable;
  approvals: ApprovalsTable;
  access_tokens: AccessTokensTable;
  used_assertions: UsedAssertionsTable;
  signing_keys: SigningKeysTable;
  audit_events: AuditEventsTable;
  refresh_families: RefreshFamiliesTable;
  refresh_tokens: RefreshTokensTable;
  authorization_codes: AuthorizationCodesTable;
  browser_sessions: BrowserSessionsTable;
  login_failures: LoginFailuresTable;
  records: RecordsTable;
  api_usage: ApiUsageTable;
  token_revocations: TokenRevocationsTable;
}
