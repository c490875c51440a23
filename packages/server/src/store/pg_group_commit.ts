/**
 * Kysely's PostgreSQL dialect with group commit. A committed write waits for the WAL to reach
 * the disk (`synchronous_commit=on`: ~2 ms on our VM), and every token request makes two (its
 * access token, its audit event), each holding a pooled connection meanwhile. Here the single
 * INSERT/UPDATE/DELETE statements of one event-loop turn — from every request in flight — run in
 * one transaction on one connection, and each caller's promise settles only after its COMMIT:
 * one disk flush for the group. Identical plain `INSERT … VALUES (…)` statements are sent as one
 * multi-row INSERT, so a group costs a few round trips, not one per statement.
 *
 * - A statement that fails makes PostgreSQL abort the whole transaction: the group is rolled
 *   back and its statements run again one by one, so only the failing one fails.
 * - A COMMIT that fails (the connection lost) leaves the outcome unknown, as for a single
 *   statement: every caller of the group gets the error (503), none is retried.
 * - Reads run at once on a pooled connection. Kysely transactions (`db.transaction()`) get a
 *   connection of their own, as before; row locks order them against the groups.
 */
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  PostgresDialect,
  type PostgresDialectConfig,
  PostgresDriver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/** Statements per group at most (a multi-row INSERT of them stays far below 65 535 parameters). */
const MAX_GROUP = 400;
const WRITES = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode']);
/** `insert into "t" ("a", "b") values ($1, $2)`: nothing else (no RETURNING, no ON CONFLICT). */
const PLAIN_INSERT = /^insert into "\w+" \([^)]*\) values \((\$\d+(?:, \$\d+)*)\)$/;

interface Pending {
  query: CompiledQuery;
  resolve(r: QueryResult<unknown>): void;
  reject(err: unknown): void;
}

/** Kysely's handle; a real pooled connection only inside a transaction. */
class Connection implements DatabaseConnection {
  real: DatabaseConnection | undefined;

  constructor(private readonly driver: GroupCommitPgDriver) {}

  executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.execute(this, q) as Promise<QueryResult<R>>;
  }

  // biome-ignore lint/correctness/useYield: the store never streams; refuse it plainly.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported by the PostgreSQL group-commit driver');
  }
}

class GroupCommitPgDriver implements Driver {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly flushing = new Set<Promise<void>>();

  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new Connection(this);
  }

  async releaseConnection(conn: DatabaseConnection): Promise<void> {
    const c = conn as Connection;
    if (c.real) await this.inner.releaseConnection(c.real);
    c.real = undefined;
  }

  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = conn as Connection;
    c.real ??= await this.inner.acquireConnection();
    await this.inner.beginTransaction(c.real, settings);
  }

  commitTransaction(conn: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction((conn as Connection).real!);
  }

  rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction((conn as Connection).real!);
  }

  async destroy(): Promise<void> {
    while (this.flushing.size > 0 || this.queue.length > 0) {
      if (this.queue.length > 0 && !this.scheduled) this.startFlush();
      await Promise.all(this.flushing);
    }
    await this.inner.destroy();
  }

  async execute(conn: Connection, q: CompiledQuery): Promise<QueryResult<unknown>> {
    if (conn.real) return conn.real.executeQuery(q);
    if (!WRITES.has(q.query.kind)) return this.once(q);
    return new Promise((resolve, reject) => {
      this.queue.push({ query: q, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.startFlush());
      }
    });
  }

  /** One statement on a pooled connection, autocommit. */
  private async once(q: CompiledQuery): Promise<QueryResult<unknown>> {
    const c = await this.inner.acquireConnection();
    try {
      return await c.executeQuery(q);
    } finally {
      await this.inner.releaseConnection(c);
    }
  }

  private startFlush(): void {
    this.scheduled = false;
    const group = this.queue.splice(0, MAX_GROUP);
    if (this.queue.length > 0) {
      this.scheduled = true;
      setImmediate(() => this.startFlush());
    }
    if (group.length === 0) return;
    const p = this.flush(group).finally(() => this.flushing.delete(p));
    this.flushing.add(p);
  }

  private async flush(group: Pending[]): Promise<void> {
    if (group.length === 1) {
      const [p] = group as [Pending];
      await this.once(p.query).then(p.resolve, p.reject);
      return;
    }
    let c: DatabaseConnection;
    try {
      c = await this.inner.acquireConnection();
    } catch (err) {
      for (const p of group) p.reject(err);
      return;
    }
    let results: Map<Pending, QueryResult<unknown>>;
    try {
      await c.executeQuery(raw('begin'));
      try {
        results = await runGroup(c, group);
      } catch {
        // The transaction is aborted: undo it, and let every statement succeed or fail alone.
        await c.executeQuery(raw('rollback')).catch(() => {});
        await this.inner.releaseConnection(c);
        await Promise.all(group.map((p) => this.once(p.query).then(p.resolve, p.reject)));
        return;
      }
      await c.executeQuery(raw('commit'));
    } catch (err) {
      await this.inner.releaseConnection(c);
      for (const p of group) p.reject(err);
      return;
    }
    await this.inner.releaseConnection(c);
    for (const [p, r] of results) p.resolve(r);
  }
}

const raw = (sql: string) => CompiledQuery.raw(sql);

/** A plain INSERT whose one VALUES tuple is exactly its parameters, in order: it can be merged. */
function mergeable(q: CompiledQuery): boolean {
  const m = PLAIN_INSERT.exec(q.sql);
  if (!m) return false;
  const refs = m[1]!.split(', ');
  return refs.length === q.parameters.length && refs.every((r, i) => r === `$${i + 1}`);
}

/** Runs the group in order; identical plain INSERTs (adjacent or not) go as one multi-row INSERT. */
async function runGroup(
  c: DatabaseConnection,
  group: Pending[],
): Promise<Map<Pending, QueryResult<unknown>>> {
  const results = new Map<Pending, QueryResult<unknown>>();
  const inserts = new Map<string, Pending[]>();
  const others: Pending[] = [];
  for (const p of group) {
    if (mergeable(p.query)) {
      const same = inserts.get(p.query.sql);
      if (same) same.push(p);
      else inserts.set(p.query.sql, [p]);
    } else others.push(p);
  }
  for (const [sql, rows] of inserts) {
    if (rows.length === 1) {
      results.set(rows[0]!, await c.executeQuery(rows[0]!.query));
      continue;
    }
    const head = sql.slice(0, sql.lastIndexOf(' values ('));
    const width = rows[0]!.query.parameters.length;
    const tuples = rows.map(
      (_, i) => `(${Array.from({ length: width }, (_, j) => `$${i * width + j + 1}`).join(', ')})`,
    );
    const parameters = rows.flatMap((p) => p.query.parameters);
    await c.executeQuery({ ...rows[0]!.query, sql: `${head} values ${tuples.join(', ')}`, parameters });
    for (const p of rows) results.set(p, { rows: [], numAffectedRows: 1n });
  }
  for (const p of others) results.set(p, await c.executeQuery(p.query));
  return results;
}

export class GroupCommitPostgresDialect extends PostgresDialect {
  constructor(private readonly config: PostgresDialectConfig) {
    super(config);
  }

  override createDriver(): Driver {
    return new GroupCommitPgDriver(new PostgresDriver(this.config));
  }
}
