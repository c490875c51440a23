/**
 * The storage contract: narrow, domain-named interfaces. Every adapter
 * (SQLite, PostgreSQL) passes the same conformance suite
 * (packages/server/test/store.conformance.test.ts).
 */
import type {
  AccessTokenRecord,
  App,
  AppCertificate,
  Approval,
  AppSecret,
  AuditEvent,
  Preauthorization,
  RefreshFamily,
  RefreshTokenRecord,
  SigningKey,
  User,
} from '../domain/types.ts';

export interface AppStore {
  /** Creates the app with its first secrets and certificates in one transaction. */
  create(app: App, secrets: AppSecret[], certificates: AppCertificate[]): Promise<void>;
  findByClientId(clientId: string): Promise<App | undefined>;
  findById(id: string): Promise<App | undefined>;
  list(): Promise<App[]>;
  update(app: App): Promise<void>;
  delete(id: string): Promise<boolean>;
  secrets(appId: string): Promise<AppSecret[]>;
  addSecret(secret: AppSecret): Promise<void>;
  deleteSecret(appId: string, secretId: string): Promise<boolean>;
  certificates(appId: string): Promise<AppCertificate[]>;
  /** False when the app already has a certificate with that thumbprint. */
  addCertificate(cert: AppCertificate): Promise<boolean>;
  deleteCertificate(appId: string, thumbprint: string): Promise<boolean>;
}

export interface UserStore {
  /** False when the username is taken. */
  create(user: User): Promise<boolean>;
  findById(id: string): Promise<User | undefined>;
  findByUsername(username: string): Promise<User | undefined>;
  list(): Promise<User[]>;
  /** False when the new username is taken. */
  update(user: User): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

export interface PreauthorizationStore {
  /** False when the same user or profile is already pre-authorized for the app. */
  add(p: Preauthorization): Promise<boolean>;
  list(appId: string): Promise<Preauthorization[]>;
  delete(appId: string, id: string): Promise<boolean>;
  /** Is this user (by username) or their profile pre-authorized for the app? */
  covers(appId: string, username: string, profile: string): Promise<boolean>;
}

export interface ApprovalStore {
  /** Records an approval; a second approval by the same user for the same app widens its scopes. */
  upsert(a: Approval): Promise<Approval>;
  find(appId: string, userId: string): Promise<Approval | undefined>;
  findById(id: string): Promise<Approval | undefined>;
  list(filter: { appId?: string; userId?: string }): Promise<Approval[]>;
  delete(id: string): Promise<boolean>;
}

export interface AccessTokenStore {
  insert(t: AccessTokenRecord): Promise<void>;
  findByHash(hash: string): Promise<AccessTokenRecord | undefined>;
  findById(id: string): Promise<AccessTokenRecord | undefined>;
  /** Marks the token revoked; false when it was unknown or already revoked. */
  revoke(id: string, at: number): Promise<boolean>;
  /** Revokes every live token of an app for a user (approval revoked). Returns how many. */
  revokeForAppUser(appId: string, userId: string, at: number): Promise<number>;
  /** Deletes tokens expired before `before`, at most `limit` rows. Returns how many. */
  purgeExpired(before: number, limit: number): Promise<number>;
}

/**
 * A revocation of stateless JWT access tokens (those with no row in access_tokens):
 * one token by `jti`, or every token of an (app, user) issued at or before `notBefore`.
 */
export type TokenRevocation =
  | { kind: 'jti'; jti: string; expiresAt: number; createdAt: number }
  | {
      kind: 'app_user';
      appId: string;
      userId: string;
      notBefore: number;
      expiresAt: number;
      createdAt: number;
    };

export interface RevocationStore {
  /** Records a revocation; returns its `seq`. Commits in `seq` order across processes. */
  insert(r: TokenRevocation): Promise<number>;
  /** Revocations with `seq > after` that expire after `now`, by `seq`, with their `seq`. */
  listSince(after: number, now: number): Promise<Array<TokenRevocation & { seq: number }>>;
  /** Deletes revocations that expired before `before`, at most `limit`. Returns how many. */
  purgeExpired(before: number, limit: number): Promise<number>;
}

export interface ReplayStore {
  /**
   * Records a single-use key (assertion id, jti …) until `expiresAt`.
   * True for the first use, false for a replay. Atomic: one insert that fails
   * on conflict, never check-then-write. An expired record no longer blocks.
   */
  consume(key: string, expiresAt: number, now: number): Promise<boolean>;
  purgeExpired(before: number, limit: number): Promise<number>;
}

/**
 * A stored signing key. `activatesAt` (migration 0005) is when it starts signing; absent when it
 * signs from creation. `retiredAt` may lie in the future: the time the key is scheduled to leave
 * the JWKS (keys/rotation.ts).
 */
export interface StoredSigningKey extends SigningKey {
  activatesAt?: number;
}

export interface SigningKeyStore {
  list(): Promise<StoredSigningKey[]>;
  insert(k: StoredSigningKey): Promise<void>;
  /** Sets `retired_at` (now or a future time) once: false when already set or unknown. */
  retire(kid: string, at: number): Promise<boolean>;
  /**
   * Replaces the stored private key text (encryption at rest) when it is still `from`, in one
   * `UPDATE … WHERE private_pem = from`: false when another process changed it first.
   */
  replacePrivatePem(kid: string, from: string, to: string): Promise<boolean>;
}

export interface AuditFilter {
  clientId?: string;
  userId?: string;
  username?: string;
  grantType?: string;
  result?: 'success' | 'failure';
  since?: number;
  limit?: number;
}

/** Which grant attempts to count, and in which time buckets (the console's activity chart). */
export interface AuditSummaryFilter {
  clientId?: string;
  username?: string;
  grantType?: string;
  result?: 'success' | 'failure';
  /** Start of the first bucket, inclusive (epoch ms). */
  since: number;
  /** End of the last bucket, exclusive. */
  until: number;
  /** Width of a bucket, ms (a whole number). */
  bucketMs: number;
}

/** How many grant attempts of one kind fell into one bucket. */
export interface AuditBucketCount {
  /** floor((at − since) / bucketMs). */
  bucket: number;
  grantType: string | null;
  result: 'success' | 'failure';
  errorCode: string | null;
  count: number;
}

export interface AuditStore {
  record(e: AuditEvent): Promise<void>;
  /** All of them or none, in order (ascending ids); multi-row INSERTs (store/audit_write_behind.ts). */
  recordMany(events: AuditEvent[]): Promise<void>;
  /**
   * False while recorded events cannot be written (a write-behind buffer whose last flush
   * failed, or full): the token endpoint then issues nothing. Absent: every write is synchronous.
   */
  readonly healthy?: boolean;
  list(filter: AuditFilter): Promise<AuditEvent[]>;
  /**
   * Grant attempts (event `token`) in [since, until) counted per bucket, grant type, result and
   * error code, in one GROUP BY; kinds with no attempt in a bucket are left out.
   */
  summarize(filter: AuditSummaryFilter): Promise<AuditBucketCount[]>;
}

export interface SettingsStore {
  get(key: string): Promise<string | undefined>;
  /** Stores the value unless the key exists; returns the value now stored (first writer wins). */
  putIfAbsent(key: string, value: string): Promise<string>;
  set(key: string, value: string): Promise<void>;
}

/**
 * An authorization code (RFC 6749 §4.1.2), stored by the SHA-256 of the code. Single use;
 * the ids of what it issued are kept so a second use can revoke them (RFC 6749 §4.1.2).
 */
export interface AuthorizationCode {
  codeHash: string;
  appId: string;
  userId: string;
  /** The approval the user gave (null for a pre-authorized user of an admin_approved app). */
  approvalId: string | null;
  redirectUri: string;
  scopes: string[];
  /** RFC 7636 S256 challenge, or null when the request carried none. */
  codeChallenge: string | null;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
  /** The access token issued for the code (its id, set when the code is consumed). */
  accessTokenId: string | null;
  /** The refresh token family started for the code, if any. */
  refreshFamilyId: string | null;
  /** When the code was first presented again after its use. */
  reusedAt: number | null;
}

export interface AuthorizationCodeStore {
  insert(c: AuthorizationCode): Promise<void>;
  findByHash(codeHash: string): Promise<AuthorizationCode | undefined>;
  /**
   * Marks a live code used and records the id of the access token issued for it, in one
   * `UPDATE … WHERE consumed_at IS NULL AND expires_at > now`: true for exactly one caller.
   */
  consume(codeHash: string, now: number, accessTokenId: string): Promise<boolean>;
  /**
   * Records the refresh family started for a consumed code. Returns the code as it is after
   * the update, so the caller sees whether a second use came in meanwhile (`reusedAt`).
   */
  setRefreshFamily(codeHash: string, familyId: string): Promise<AuthorizationCode | undefined>;
  /** Flags a consumed code as presented again; returns it (with what it issued), or undefined. */
  markReused(codeHash: string, now: number): Promise<AuthorizationCode | undefined>;
  /** Deletes codes that expired before `before`, at most `limit`. Returns how many. */
  purgeExpired(before: number, limit: number): Promise<number>;
}

/** A browser session of the login, consent and approvals pages (stored by the SHA-256 of its id). */
export interface BrowserSession {
  idHash: string;
  /** Null before sign-in: the login form is CSRF-protected too (RFC 6749 §10.12). */
  userId: string | null;
  /** Secret the CSRF tokens of this session are derived from. */
  csrfSecret: string;
  createdAt: number;
  expiresAt: number;
}

export interface SessionStore {
  create(s: BrowserSession): Promise<void>;
  /** The session, if it exists and `expiresAt > now`. */
  find(idHash: string, now: number): Promise<BrowserSession | undefined>;
  delete(idHash: string): Promise<boolean>;
  purgeExpired(before: number, limit: number): Promise<number>;
}

/** One failed (or, until decided, pending) sign-in. */
export interface LoginFailure {
  id: string;
  username: string;
  address: string;
  at: number;
}

export interface LoginThrottleStore {
  record(f: LoginFailure): Promise<void>;
  /** Failures with `at >= since` for that username and for that address. */
  count(username: string, address: string, since: number): Promise<{ username: number; address: number }>;
  delete(id: string): Promise<boolean>;
  /** Forgets the failures of a username (after a successful sign-in). Returns how many. */
  clearUsername(username: string): Promise<number>;
  /** Deletes failures older than `before`, at most `limit`. Returns how many. */
  purgeBefore(before: number, limit: number): Promise<number>;
}

/** A refresh token with the family it belongs to. */
export interface FoundRefreshToken {
  token: RefreshTokenRecord;
  family: RefreshFamily;
}

/** One rotation step (RFC 9700 §4.14.2): the parent is retired, the successor and its access token appear. */
export interface RefreshRotation {
  parentHash: string;
  at: number;
  successor: RefreshTokenRecord;
  /** The access token issued with the successor (its `familyId` set). */
  accessToken: AccessTokenRecord;
  /** Grace window: the sealed successor pair kept on the parent until `until`; null when off. */
  grace: { sealed: string; until: number } | null;
}

export interface RefreshTokenStore {
  /** Starts a family with its first token, in one transaction. */
  createFamily(family: RefreshFamily, first: RefreshTokenRecord): Promise<void>;
  findFamily(id: string): Promise<RefreshFamily | undefined>;
  /** A token (live or not) and its family, by the token's SHA-256. */
  findByHash(hash: string): Promise<FoundRefreshToken | undefined>;
  /** Every token of a family, by issue time (follow `parentHash` for the chain). */
  listTokens(familyId: string): Promise<RefreshTokenRecord[]>;
  /**
   * Rotation in one transaction: `UPDATE … SET retired_at WHERE token_hash = parent AND
   * retired_at IS NULL`, then the successor and the access token are inserted. False, with
   * nothing written, when the parent was not live: of concurrent callers exactly one wins.
   * Also wipes the grace seal the parent's own parent kept (the successor is now in use).
   */
  rotate(r: RefreshRotation): Promise<boolean>;
  /**
   * A use without rotation: sets `last_used_at` of the live token and inserts the access
   * token, in one transaction. False, with nothing written, when the token was not live.
   */
  recordUse(hash: string, at: number, accessToken: AccessTokenRecord): Promise<boolean>;
  /**
   * Revokes the family (RFC 7009 §2.1): marks it revoked, retires its live tokens, wipes
   * grace seals and revokes its access tokens, in that order and one transaction. True
   * when the family was live before.
   */
  revokeFamily(familyId: string, at: number): Promise<boolean>;
  /** Revokes, as revokeFamily, every live family issued under the approval. Returns how many. */
  revokeForApproval(approvalId: string, at: number): Promise<number>;
  /**
   * Deletes families (with their tokens) revoked or expired before `before`, at most `limit`
   * families. Returns how many.
   */
  purgeEnded(before: number, limit: number): Promise<number>;
}

/** A field value of a record as the REST API carries it (dates as ISO strings). */
export type RecordValue = string | number | boolean | null;

/**
 * One record of the records API (resource/records/): an object name, its fields as JSON,
 * and the system fields Salesforce keeps in columns (owner, creator, times).
 */
export interface StoredRecord {
  /** 18-character Salesforce-style id; its key prefix names the object. */
  id: string;
  orgId: string;
  /** The object's API name, e.g. `Account`. */
  object: string;
  /** Every other field, by API name; absent and null mean the same. */
  fields: Record<string, RecordValue>;
  ownerId: string;
  createdById: string;
  lastModifiedById: string;
  createdAt: number;
  lastModifiedAt: number;
}

export interface RecordStore {
  insert(r: StoredRecord): Promise<void>;
  find(orgId: string, object: string, id: string): Promise<StoredRecord | undefined>;
  /** Every record of the object in the org, oldest first (then by id). */
  list(orgId: string, object: string): Promise<StoredRecord[]>;
  /**
   * Merges `changes` into the record's fields (a null value clears a field) and stamps the
   * modification, atomically: concurrent patches of different fields all survive. The
   * record as it is afterwards, or undefined when there is none.
   */
  patch(
    orgId: string,
    object: string,
    id: string,
    changes: Record<string, RecordValue>,
    by: { userId: string; at: number },
  ): Promise<StoredRecord | undefined>;
  delete(orgId: string, object: string, id: string): Promise<boolean>;
}

/** Calls of one app on one UTC day, to add (ApiUsageStore.incrementMany). */
export interface ApiUsageIncrement {
  appId: string;
  day: string;
  n: number;
}

/** An app's count of one UTC day in the database. */
export interface ApiUsageTotal {
  appId: string;
  day: string;
  count: number;
}

export interface ApiUsageStore {
  /**
   * Counts one API call of the app on the UTC day (`YYYY-MM-DD`) and returns the day's count
   * including it: one `INSERT … ON CONFLICT DO UPDATE SET count = count + 1 RETURNING count`,
   * so concurrent calls each get a distinct count.
   */
  increment(appId: string, day: string): Promise<number>;
  /**
   * Adds calls counted elsewhere (store/api_usage_meter.ts) in ONE statement,
   * `INSERT … SELECT … ON CONFLICT DO UPDATE SET count = count + excluded.count RETURNING …`,
   * and returns each day's total after it (other processes' calls included). Items of the
   * same app and day are summed; items of apps that no longer exist are skipped and have no
   * total (their counts went with the app). At most 1 000 items.
   */
  incrementMany(items: readonly ApiUsageIncrement[]): Promise<ApiUsageTotal[]>;
  /** The day's count so far (0 when none). */
  count(appId: string, day: string): Promise<number>;
  /** Deletes the counts of days before `day`. Returns how many rows. */
  purgeBefore(day: string): Promise<number>;
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly apps: AppStore;
  readonly users: UserStore;
  readonly preauthorizations: PreauthorizationStore;
  readonly approvals: ApprovalStore;
  readonly accessTokens: AccessTokenStore;
  readonly revocations: RevocationStore;
  readonly replay: ReplayStore;
  readonly signingKeys: SigningKeyStore;
  readonly audit: AuditStore;
  readonly settings: SettingsStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly authorizationCodes: AuthorizationCodeStore;
  readonly sessions: SessionStore;
  readonly loginThrottle: LoginThrottleStore;
  readonly records: RecordStore;
  readonly apiUsage: ApiUsageStore;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  /** Migrations recorded as applied in the database, and the known ones not applied yet. */
  migrationStatus(): Promise<MigrationStatus>;
  close(): Promise<void>;
}
