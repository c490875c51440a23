/** SQL run on a test's database beside the server, through a connection of its own. */
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { DbKind } from './harness.ts';

/** Runs SQL on the server's database through a connection of its own. */
export async function onDatabase(kind: DbKind, url: string, statement: string): Promise<void> {
  if (kind === 'sqlite') {
    const db = new SQLite(url.slice('sqlite:'.length));
    try {
      db.pragma('busy_timeout = 5000');
      db.exec(statement);
    } finally {
      db.close();
    }
    return;
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}
