/**
 * What Kysely's SQLite dialect is given instead of the bare better-sqlite3 handle. Two changes:
 *
 * - Prepared statements are kept. Kysely prepares every query it runs; compiling the same
 *   statement again costs ~13 µs, as much as running it (docs/performance.md). Statements are
 *   kept by their SQL text, at most MAX_STATEMENTS (oldest dropped first). Reuse is safe:
 *   Kysely runs one query at a time on its one connection and never leaves a statement open.
 * - Transactions begin IMMEDIATE. Kysely's `begin` is DEFERRED: the write lock is taken at
 *   the first write, and when another process wrote in between, that upgrade fails at once
 *   with SQLITE_BUSY (busy_timeout does not apply to it). Taking the lock at BEGIN makes a
 *   transaction wait its turn (busy_timeout) like any single write, so processes sharing the
 *   file (`s2s serve --workers N`, the CLI beside a server) do not fail each other. Inside one
 *   process nothing changes: Kysely already runs one transaction at a time.
 * - WAL checkpoints move to a thread of their own once the store is busy (sqlite_checkpointer.ts).
 */
import { resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { Checkpointer } from './sqlite_checkpointer.ts';
import type { GroupCommitDatabase, Statement } from './sqlite_group_commit.ts';

const MAX_STATEMENTS = 1000;

export function sqliteConnection(
  db: BetterSqlite3.Database,
  { checkpointThread = true }: { checkpointThread?: boolean } = {},
): GroupCommitDatabase {
  const statements = new Map<string, Statement>();
  const checkpointer =
    checkpointThread && !db.memory && db.name ? new Checkpointer(db, resolve(db.name)) : undefined;
  return {
    get inTransaction() {
      return db.inTransaction;
    },
    prepare(sql: string): Statement {
      const text = sql === 'begin' ? 'begin immediate' : sql;
      let stmt = statements.get(text);
      if (!stmt) {
        stmt = db.prepare(text) as unknown as Statement;
        if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value!);
        statements.set(text, stmt);
      }
      return stmt;
    },
    committed() {
      checkpointer?.committed();
    },
    async close() {
      await checkpointer?.stop();
      statements.clear();
      db.close();
    },
  };
}
