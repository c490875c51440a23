/**
 * Opens the store named by a database URL (`sqlite:./data/s2s.db`, `postgres://…`),
 * runs pending migrations, and returns the domain interfaces over one Kysely instance.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, type PostgresDialect, type SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { MigrationStatus, Store } from './interfaces.ts';
import { type Dialect, migrationProvider, migrations } from './migrations.ts';
import { GroupCommitPostgresDialect } from './pg_group_commit.ts';
import type { Database } from './schema.ts';
import { SqlApprovalStore, SqlPreauthorizationStore } from './sql/approvals.ts';
import { SqlAppStore } from './sql/apps.ts';
import { SqlAuthorizationCodeStore } from './sql/authorization_codes.ts';
import { SqlLoginThrottleStore } from './sql/login_throttle.ts';
import { SqlAuditStore, SqlSettingsStore, SqlSigningKeyStore } from './sql/misc.ts';
import { SqlApiUsageStore, SqlRecordStore } from './sql/records.ts';
import { SqlRefreshTokenStore } from './sql/refresh_tokens.ts';
import { SqlRevocationStore } from './sql/revocations.ts';
import { SqlSessionStore } from './sql/sessions.ts';
import { SqlAccessTokenStore, SqlReplayStore } from './sql/tokens.ts';
import { SqlUserStore } from './sql/users.ts';
import { sqliteConnection } from './sqlite_connection.ts';
import { GroupCommitSqliteDialect } from './sqlite_group_commit.ts';

// BIGINT (epoch milliseconds) arrives as a string from pg by default; our values fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));

export interface ParsedDatabaseUrl {
  dialect: Dialect;
  /** File path for SQLite, connection string for PostgreSQL. */
  target: string;
}

export function parseDatabaseUrl(url: string): ParsedDatabaseUrl {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new Error(`database URL "${url}" names no file`);
    return { dialect: 'sqlite', target: path };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://'))
    return { dialect: 'postgres', target: url };
  throw new Error(`database URL "${url}" must start with sqlite: or postgres://`);
}

/** The pragmas every SQLite connection gets (exported for bench/measure_token_inserts.ts). */
export const SQLITE_PRAGMAS: readonly string[] = [
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'busy_timeout = 5000',
  'foreign_keys = ON',
  // Reads straight from the OS page cache, without a system call per page: with 10^6 tokens,
  // lookups by hash cost ~10 µs instead of ~15 (docs/performance.md). Address space, not memory.
  'mmap_size = 268435456',
];

/** `checkpointThread: false` keeps SQLite's checkpoints on the main thread (for measuring). */
export function sqliteDialect(
  path: string,
  pragmas: readonly string[] = SQLITE_PRAGMAS,
  opts: { checkpointThread?: boolean } = {},
): SqliteDialect {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const db = new SQLite(path);
  for (const p of pragmas) db.pragma(p);
  // Kept statements, IMMEDIATE transactions, checkpoints in a thread (sqlite_connection.ts),
  // group commit (sqlite_group_commit.ts).
  return new GroupCommitSqliteDialect(sqliteConnection(db, opts));
}

/** PostgreSQL through a pool of `max` connections, with group commit (pg_group_commit.ts). */
export function pgDialect(connectionString: string, max: number): PostgresDialect {
  return new GroupCommitPostgresDialect({ pool: postgresPool(connectionString, max) });
}

function postgresPool(connectionString: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  // An idle client whose server connection dies (restart, failover, admin termination) emits
  // 'error' on the pool; unhandled, that would crash the process. The pool drops the client and
  // the next query opens a new connection, so logging nothing here is right.
  pool.on('error', () => {});
  // A client checked out when its connection dies (between two statements of a transaction)
  // emits 'error' on itself, where the pool listens no longer: that would be an uncaught
  // exception. The statement in progress, or the next one, fails and answers 503 instead.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

export interface OpenStoreOptions {
  poolSize?: number;
  /**
   * Apply pending migrations (default). When false, a database with pending migrations is
   * refused with an error that says to run `s2s db migrate` (docs/operations.md).
   */
  migrate?: boolean;
  /** Told the names of the migrations this open applied (`s2s db migrate` prints them). */
  onMigrated?: (applied: string[]) => void;
}

export class PendingMigrationsError extends Error {}

export async function openStore(url: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const { dialect, target } = parseDatabaseUrl(url);
  const db = new Kysely<Database>({
    dialect: dialect === 'sqlite' ? sqliteDialect(target) : pgDialect(target, opts.poolSize ?? 10),
  });
  try {
    if (opts.migrate === false) {
      const { pending } = await migrationStatus(db, dialect);
      if (pending.length > 0) {
        throw new PendingMigrationsError(
          `the database has ${pending.length} pending migration(s) (${pending.join(', ')}): ` +
            'run `s2s db migrate`, or start without --no-migrate',
        );
      }
    } else {
      // Not `opts.onMigrated?.(await migrate(…))`: an optional call skips evaluating its
      // arguments when the callee is absent, which would skip the migrations themselves.
      const applied = await migrate(db, dialect);
      opts.onMigrated?.(applied);
    }
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return {
    dialect,
    apps: new SqlAppStore(db),
    users: new SqlUserStore(db),
    preauthorizations: new SqlPreauthorizationStore(db),
    approvals: new SqlApprovalStore(db),
    accessTokens: new SqlAccessTokenStore(db),
    revocations: new SqlRevocationStore(db, dialect),
    replay: new SqlReplayStore(db),
    signingKeys: new SqlSigningKeyStore(db),
    audit: new SqlAuditStore(db),
    settings: new SqlSettingsStore(db),
    refreshTokens: new SqlRefreshTokenStore(db),
    authorizationCodes: new SqlAuthorizationCodeStore(db),
    sessions: new SqlSessionStore(db),
    loginThrottle: new SqlLoginThrottleStore(db),
    records: new SqlRecordStore(db),
    apiUsage: new SqlApiUsageStore(db),
    async ping() {
      await sql`select 1`.execute(db);
    },
    migrationStatus: () => migrationStatus(db, dialect),
    close: () => db.destroy(),
  };
}

/** What the database has recorded against the migrations this build knows. */
async function migrationStatus(db: Kysely<Database>, dialect: Dialect): Promise<MigrationStatus> {
  const known = Object.keys(migrations(dialect)).sort();
  let applied: string[] = [];
  try {
    const r = await sql<{ name: string }>`select name from s2s_migrations order by name`.execute(db);
    applied = r.rows.map((x) => x.name);
  } catch (err) {
    // A new, empty database has no bookkeeping table yet: everything is pending.
    if (!/s2s_migrations/.test((err as Error).message)) throw err;
  }
  const done = new Set(applied);
  return { applied, pending: known.filter((n) => !done.has(n)) };
}

/** Applies pending migrations; returns the names applied (none when up to date). */
async function migrate(db: Kysely<Database>, dialect: Dialect): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider(dialect),
    migrationTableName: 's2s_migrations',
    migrationLockTableName: 's2s_migrations_lock',
  });
  // On PostgreSQL, Kysely runs all pending migrations in one transaction under an
  // advisory lock. On SQLite it does neither (it assumes a single connection), so
  // two processes opening one new file would both run 0001, and a failing
  // migration would leave half a schema. BEGIN IMMEDIATE takes the write lock up
  // front (waiting out busy_timeout): a second opener then sees the first one's
  // finished work, and a failure rolls everything back. The dialect has one
  // connection, so the migrator's statements all run inside this transaction.
  if (dialect === 'sqlite') await sql`begin immediate`.execute(db);
  let outcome: Awaited<ReturnType<Migrator['migrateToLatest']>>;
  try {
    outcome = await migrator.migrateToLatest();
  } catch (err) {
    outcome = { error: err };
  }
  if (dialect === 'sqlite') await sql.raw(outcome.error ? 'rollback' : 'commit').execute(db);
  const { error, results } = outcome;
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(
      `database migration ${failed ?? ''} failed: ${(error as Error).message ?? String(error)}`,
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
