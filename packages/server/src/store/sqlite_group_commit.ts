/**
 * Kysely's SQLite dialect with group commit. Every token request writes (its access token,
 * its audit event); committed one by one, each write pays a WAL commit, and better-sqlite3
 * waits for it on the event loop. Here the single writes of one event-loop turn — from every
 * request in flight — are run in one `BEGIN IMMEDIATE … COMMIT`, and each caller's promise
 * settles only after that COMMIT: nothing is answered before it is durable as far as the
 * synchronous setting goes, as before. Measured: ~94 → ~44 µs CPU and ~420 → ~110 µs of
 * blocked event loop per token + audit insert pair (docs/performance.md).
 *
 * - A statement that fails inside the group (a constraint) fails alone: SQLite undoes that
 *   statement only. An error that ends the transaction (disk full, I/O) fails the whole group.
 * - Reads run at once; they see what is committed, as if they had come before the group.
 * - Kysely transactions (`db.transaction()`) hold a lock: groups and other queries wait for
 *   them, and they begin IMMEDIATE (sqlite_connection.ts has why).
 * - A raw `BEGIN` run outside `db.transaction()` (open.ts runs the migrations so) puts the
 *   connection in a transaction of its own: statements then run at once, inside it.
 */
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteStatement,
} from 'kysely';

/** Writes per group at most: a bound on how long one COMMIT holds the others. */
const MAX_GROUP = 500;

/** better-sqlite3 statements also say whether they write. */
export interface Statement extends SqliteStatement {
  readonly readonly: boolean;
}

interface Pending {
  stmt: Statement;
  parameters: readonly unknown[];
  resolve(r: QueryResult<unknown>): void;
  reject(err: unknown): void;
}

/** The parts of a better-sqlite3 handle used here (sqlite_connection.ts adds prepare's cache). */
export interface GroupCommitDatabase extends SqliteDatabase {
  readonly inTransaction: boolean;
  prepare(sql: string): Statement;
  /** Told after each COMMIT that wrote (sqlite_checkpointer.ts counts them). */
  committed?(): void;
  close(): void | Promise<void>;
}

function run(stmt: Statement, parameters: readonly unknown[]): QueryResult<unknown> {
  if (stmt.reader) return { rows: stmt.all(parameters) as unknown[] };
  const { changes, lastInsertRowid } = stmt.run(parameters);
  return {
    rows: [],
    numAffectedRows: changes === undefined || changes === null ? undefined : BigInt(changes),
    insertId: lastInsertRowid === undefined || lastInsertRowid === null ? undefined : BigInt(lastInsertRowid),
  };
}

const CONTROL = /^\s*(begin|commit|rollback|end|savepoint|release)\b/i;

/** A handle on the one SQLite connection; `release` is set while it holds a transaction. */
class Connection implements DatabaseConnection {
  release: (() => void) | undefined;

  constructor(private readonly driver: GroupCommitDriver) {}

  get inTx(): boolean {
    return this.release !== undefined;
  }

  executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.execute(this, q) as Promise<QueryResult<R>>;
  }

  // biome-ignore lint/correctness/useYield: the store never streams; refuse it plainly.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported by the SQLite group-commit driver');
  }
}

class GroupCommitDriver implements Driver {
  private queue: Pending[] = [];
  private scheduled = false;
  /** The connection is held by a Kysely transaction or a group being committed. */
  private held = false;
  private waiters: (() => void)[] = [];

  constructor(private readonly db: GroupCommitDatabase) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new Connection(this);
  }

  async releaseConnection(): Promise<void> {}

  async beginTransaction(conn: DatabaseConnection): Promise<void> {
    const c = conn as Connection;
    c.release = await this.take();
    try {
      this.db.prepare('begin immediate').run([]);
    } catch (err) {
      this.end(c);
      throw err;
    }
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    try {
      this.db.prepare('commit').run([]);
      this.db.committed?.();
    } finally {
      this.end(conn as Connection);
    }
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    try {
      if (this.db.inTransaction) this.db.prepare('rollback').run([]);
    } finally {
      this.end(conn as Connection);
    }
  }

  async destroy(): Promise<void> {
    while (this.held) await this.wait();
    await this.db.close();
  }

  private end(c: Connection): void {
    const release = c.release;
    c.release = undefined;
    release?.();
  }

  /**
   * Resolves when nobody holds the connection. The caller must act on that in the same
   * synchronous stretch as its own `while (this.held)` check — an `await idle()` followed by
   * work lets another waiter in between — so the loops below are written out where used.
   */
  private wait(): Promise<void> {
    return new Promise<void>((r) => this.waiters.push(r));
  }

  /** Waits until nobody holds the connection and holds it; returns the release. */
  private async take(): Promise<() => void> {
    while (this.held) await this.wait();
    this.held = true;
    return () => {
      this.held = false;
      for (const wake of this.waiters.splice(0)) wake();
    };
  }

  async execute(conn: Connection, q: CompiledQuery): Promise<QueryResult<unknown>> {
    const stmt = this.db.prepare(q.sql);
    if (conn.inTx) return run(stmt, q.parameters);
    // Never inside someone else's transaction (it may yet roll back), nor in a group being committed.
    while (this.held) await this.wait();
    // Reads, transaction control and statements inside a raw BEGIN (open.ts: migrations) run at once.
    if (stmt.readonly || CONTROL.test(q.sql) || this.db.inTransaction) return run(stmt, q.parameters);
    return new Promise((resolve, reject) => {
      this.queue.push({ stmt, parameters: q.parameters, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const release = await this.take();
    this.scheduled = false;
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, MAX_GROUP);
        this.commitGroup(group);
      }
    } finally {
      release();
    }
  }

  private commitGroup(group: Pending[]): void {
    if (group.length === 1) {
      const [p] = group as [Pending];
      try {
        const r = run(p.stmt, p.parameters);
        this.db.committed?.();
        p.resolve(r);
      } catch (err) {
        p.reject(err);
      }
      return;
    }
    try {
      this.db.prepare('begin immediate').run([]);
    } catch (err) {
      for (const p of group) p.reject(err);
      return;
    }
    const done: [Pending, QueryResult<unknown>][] = [];
    for (const p of group) {
      try {
        done.push([p, run(p.stmt, p.parameters)]);
      } catch (err) {
        p.reject(err);
        // An error that ended the transaction undid the others too.
        if (!this.db.inTransaction) {
          for (const [q] of done) q.reject(err);
          for (const q of group.slice(group.indexOf(p) + 1)) q.reject(err);
          return;
        }
      }
    }
    try {
      this.db.prepare('commit').run([]);
    } catch (err) {
      if (this.db.inTransaction) this.db.prepare('rollback').run([]);
      for (const [p] of done) p.reject(err);
      return;
    }
    this.db.committed?.();
    for (const [p, r] of done) p.resolve(r);
  }
}

export class GroupCommitSqliteDialect extends SqliteDialect {
  constructor(private readonly database: GroupCommitDatabase) {
    super({ database });
  }

  override createDriver(): Driver {
    return new GroupCommitDriver(this.database);
  }
}
