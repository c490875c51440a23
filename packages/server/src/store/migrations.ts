/**
 * Versioned, forward-only migrations, run at start. Each is written once for
 * both dialects; `dialect` picks the few column types that differ.
 */
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { sql } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

function m0001(dialect: Dialect): Migration {
  // SQLite INTEGER is 64-bit; PostgreSQL needs BIGINT for epoch milliseconds.
  const int = dialect === 'sqlite' ? 'integer' : 'bigint';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text')
        .addColumn('email', 'text')
        .addColumn('first_name', 'text')
        .addColumn('last_name', 'text')
        .addColumn('profile', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('created_at', int, (c) => c.notNull())
        .addColumn('updated_at', int, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('apps')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('client_id', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('callback_urls', 'text', (c) => c.notNull())
        .addColumn('policies', 'text', (c) => c.notNull())
        .addColumn('created_at', int, (c) => c.notNull())
        .addColumn('updated_at', int, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('app_secrets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('hint', 'text', (c) => c.notNull())
        .addColumn('created_at', int, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('app_secrets_app').on('app_secrets').column('app_id').execute();
      await db.schema
        .createTable('app_certificates')
        .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
        .addColumn('thumbprint', 'text', (c) => c.notNull())
        .addColumn('pem', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('not_before', int, (c) => c.notNull())
        .addColumn('not_after', int, (c) => c.notNull())
        .addColumn('created_at', int, (c) => c.notNull())
        .addPrimaryKeyConstraint('app_certificates_pk', ['app_id', 'thumbprint'])
        .execute();
      await db.schema
        .createTable('preauthorizations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', int, (c) => c.notNull())
        .addUniqueConstraint('preauthorizations_unique', ['app_id', 'kind', 'value'])
        .execute();
      await db.schema
        .createTable('approvals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at', int, (c) => c.notNull())
        .addColumn('updated_at', int, (c) => c.notNull())
        .addUniqueConstraint('approvals_app_user', ['app_id', 'user_id'])
        .execute();
      await db.schema
        .createTable('access_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.unique())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('grant_type', 'text', (c) => c.notNull())
        .addColumn('ext', 'text')
        .addColumn('issued_at', int, (c) => c.notNull())
        .addColumn('expires_at', int, (c) => c.notNull())
        .addColumn('revoked_at', int)
        .execute();
      await db.schema.createIndex('access_tokens_expires').on('access_tokens').column('expires_at').execute();
      await db.schema
        .createIndex('access_tokens_app_user')
        .on('access_tokens')
        .columns(['app_id', 'user_id'])
        .execute();
      await db.schema
        .createTable('used_assertions')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', int, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('used_assertions_expires')
        .on('used_assertions')
        .column('expires_at')
        .execute();
      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('alg', 'text', (c) => c.notNull())
        .addColumn('private_pem', 'text', (c) => c.notNull())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('created_at', int, (c) => c.notNull())
        .addColumn('retired_at', int)
        .execute();
      await db.schema
        .createTable('audit_events')
        .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigserial', (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
        )
        .addColumn('at', int, (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text')
        .addColumn('user_id', 'text')
        .addColumn('username', 'text')
        .addColumn('grant_type', 'text')
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('error_code', 'text')
        .addColumn('error_description', 'text')
        .addColumn('source_ip', 'text')
        .execute();
      await db.schema.createIndex('audit_events_at').on('audit_events').column('at').execute();
      await sql`select 1`.execute(db);
    },
  };
}

/**
 * 0003: the authorization-code flow (RFC 6749 §4.1): single-use codes (stored as SHA-256),
 * browser sessions of the login and consent pages, and failed sign-ins for throttling.
 */
function m0003(dialect: Dialect): Migration {
  const int = dialect === 'sqlite' ? 'integer' : 'bigint';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('authorization_codes')
        .addColumn('code_hash', 'text', (c) => c.primaryKey())
        .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('approval_id', 'text')
        .addColumn('redirect_uri', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('code_challenge', 'text')
        .addColumn('created_at', int, (c) => c.notNull())
        .addColumn('expires_at', int, (c) => c.notNull())
        .addColumn('consumed_at', int)
        .addColumn('access_token_id', 'text')
        .addColumn('refresh_family_id', 'text')
        .addColumn('reused_at', int)
        .execute();
      await db.schema
        .createIndex('authorization_codes_expires')
        .on('authorization_codes')
        .column('expires_at')
        .execute();
      await db.schema
        .createTable('browser_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('csrf_secret', 'text', (c) => c.notNull())
        .addColumn('created_at', int, (c) => c.notNull())
        .addColumn('expires_at', int, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('browser_sessions_expires')
        .on('browser_sessions')
        .column('expires_at')
        .execute();
      await db.schema
        .createTable('login_failures')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('at', int, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('login_failures_username')
        .on('login_failures')
        .columns(['username', 'at'])
        .execute();
      await db.schema
        .createIndex('login_failures_address')
        .on('login_failures')
        .columns(['address', 'at'])
        .execute();
      await db.schema.createIndex('login_failures_at').on('login_failures').column('at').execute();
    },
  };
}

/**
 * 0002: refresh tokens (RFC 6749 §6, RFC 9700 §4.14): families and their tokens, and the
 * family of each access token, so that revoking a family revokes its access tokens.
 * `approval_id` has no foreign key: deleting an approval revokes its families (the admin
 * route) instead of deleting them, and the link stays to say which approval they came from.
 */
function m0002(dialect: Dialect): Migration {
  const int = dialect === 'sqlite' ? 'integer' : 'bigint';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('refresh_families')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('approval_id', 'text')
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('created_at', int, (c) => c.notNull())
        .addColumn('expires_at', int)
        .addColumn('revoked_at', int)
        .execute();
      await db.schema
        .createIndex('refresh_families_app_user')
        .on('refresh_families')
        .columns(['app_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('refresh_families_approval')
        .on('refresh_families')
        .column('approval_id')
        .execute();
      await db.schema
        .createTable('refresh_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('family_id', 'text', (c) =>
          c.notNull().references('refresh_families.id').onDelete('cascade'),
        )
        .addColumn('parent_hash', 'text')
        .addColumn('issued_at', int, (c) => c.notNull())
        .addColumn('last_used_at', int)
        .addColumn('retired_at', int)
        .addColumn('successor_hash', 'text')
        .addColumn('grace_sealed', 'text')
        .addColumn('grace_until', int)
        .execute();
      await db.schema.createIndex('refresh_tokens_family').on('refresh_tokens').column('family_id').execute();
      await db.schema
        .createIndex('refresh_tokens_successor')
        .on('refresh_tokens')
        .column('successor_hash')
        .execute();
      await db.schema.alterTable('access_tokens').addColumn('family_id', 'text').execute();
      await db.schema.createIndex('access_tokens_family').on('access_tokens').column('family_id').execute();
    },
  };
}

/**
 * 0004: the records API (resource/records/): records of every object in one generic table
 * (fields as JSON text), and the per-app daily API call counts. Records have no foreign keys
 * to users: Salesforce never deletes a user, and a record outlives its owner here.
 */
function m0004(dialect: Dialect): Migration {
  const int = dialect === 'sqlite' ? 'integer' : 'bigint';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('records')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('object', 'text', (c) => c.notNull())
        .addColumn('fields', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('created_by_id', 'text', (c) => c.notNull())
        .addColumn('last_modified_by_id', 'text', (c) => c.notNull())
        .addColumn('created_at', int, (c) => c.notNull())
        .addColumn('last_modified_at', int, (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('records_org_object')
        .on('records')
        .columns(['org_id', 'object', 'created_at'])
        .execute();
      await db.schema
        .createTable('api_usage')
        .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('api_usage_pk', ['app_id', 'day'])
        .execute();
    },
  };
}

/**
 * 0005: signing-key rotation. `activates_at` is when a key starts signing (published in the
 * JWKS from creation, so verifiers learn it before it signs); NULL means "from creation",
 * which is how every key made before 0005 behaves.
 */
function m0005(dialect: Dialect): Migration {
  const int = dialect === 'sqlite' ? 'integer' : 'bigint';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('signing_keys').addColumn('activates_at', int).execute();
    },
  };
}

/**
 * 0006: indexes for the background purge (services/purge.ts): ended refresh families are found
 * by `revoked_at` or `expires_at` (`RefreshTokenStore.purgeEnded`), which were not indexed, so
 * every purge batch read the whole table. Every other hot query already had its index
 * (test/scaleout_query_plans.test.ts checks the plans).
 */
function m0006(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('refresh_families_revoked')
        .on('refresh_families')
        .column('revoked_at')
        .execute();
      await db.schema
        .createIndex('refresh_families_expires')
        .on('refresh_families')
        .column('expires_at')
        .execute();
    },
  };
}

/**
 * 0008: the background purge deletes daily API counts by `day` (services/purge.ts); the primary
 * key (app_id, day) cannot serve `day < ?`.
 */
function m0008(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('api_usage_day').on('api_usage').column('day').execute();
    },
  };
}

/**
 * 0009: the audit event of a successful grant names the access token it issued (`jti` or record
 * id): a stateless JWT has no row, so this is the record of its issue.
 */
function m0009(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('audit_events').addColumn('token_id', 'text').execute();
    },
  };
}

/**
 * 0007: revocations of stateless JWT access tokens (no row in access_tokens; RFC 7009).
 * `seq` only grows and is never reused (SQLite AUTOINCREMENT, PostgreSQL a sequence), so each
 * process reads what is new with `seq > last seen`; `expires_at` is indexed for the purge.
 */
function m0007(dialect: Dialect): Migration {
  const int = dialect === 'sqlite' ? 'integer' : 'bigint';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('token_revocations')
        .addColumn('seq', dialect === 'sqlite' ? 'integer' : 'bigserial', (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
        )
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('jti', 'text')
        .addColumn('app_id', 'text')
        .addColumn('user_id', 'text')
        .addColumn('not_before', int)
        .addColumn('expires_at', int, (c) => c.notNull())
        .addColumn('created_at', int, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('token_revocations_expires')
        .on('token_revocations')
        .column('expires_at')
        .execute();
    },
  };
}

/** All migrations in order. Names sort lexically; never rename or edit a shipped one. */
export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_initial': m0001(dialect),
    '0002_refresh_tokens': m0002(dialect),
    '0003_authorization': m0003(dialect),
    '0004_records': m0004(dialect),
    '0005_signing_key_activation': m0005(dialect),
    '0006_purge_indexes': m0006(),
    '0007_token_revocations': m0007(dialect),
    '0008_api_usage_day': m0008(),
    '0009_audit_token_id': m0009(),
  };
}

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return { getMigrations: async () => migrations(dialect) };
}
