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

export interface ReplayStore {
  /**
   * Records a single-use key (assertion id, jti …) until `expiresAt`.
   * True for the first use, false for a replay. Atomic: one insert that fails
   * on conflict, never check-then-write. An expired record no longer blocks.
   */
  consume(key: string, expiresAt: number, now: number): Promise<boolean>;
  purgeExpired(before: number, limit: number): Promise<number>;
}

export interface SigningKeyStore {
  list(): Promise<SigningKey[]>;
  insert(k: SigningKey): Promise<void>;
  retire(kid: string, at: number): Promise<boolean>;
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

export interface AuditStore {
  record(e: AuditEvent): Promise<void>;
  list(filter: AuditFilter): Promise<AuditEvent[]>;
}

export interface SettingsStore {
  get(key: string): Promise<string | undefined>;
  /** Stores the value unless the key exists; returns the value now stored (first writer wins). */
  putIfAbsent(key: string, value: string): Promise<string>;
  set(key: string, value: string): Promise<void>;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly apps: AppStore;
  readonly users: UserStore;
  readonly preauthorizations: PreauthorizationStore;
  readonly approvals: ApprovalStore;
  readonly accessTokens: AccessTokenStore;
  readonly replay: ReplayStore;
  readonly signingKeys: SigningKeyStore;
  readonly audit: AuditStore;
  readonly settings: SettingsStore;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
