/**
 * Fills a store with 10^6 live access tokens for the "big store" scenario: generated inside
 * the database (a recursive CTE on SQLite, generate_series on PostgreSQL) in chunks of 100 000
 * rows per transaction, random ids and hashes so every index is as spread as in real use.
 */
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { parseDatabaseUrl } from '../../packages/server/src/store/open.ts';

const CHUNK = 100_000;

export async function bulkTokens(
  databaseUrl: string,
  count: number,
  owner: { clientId: string },
): Promise<number> {
  const { dialect, target } = parseDatabaseUrl(databaseUrl);
  const now = Date.now();
  const t0 = performance.now();
  if (dialect === 'sqlite') {
    const db = new SQLite(target);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    const app = db.prepare('select id from apps where client_id = ?').get(owner.clientId) as { id: string };
    const user = db.prepare('select id from users limit 1').get() as { id: string };
    const insert = db.prepare(`
      with recursive n(i) as (select 1 union all select i + 1 from n where i < @rows)
      insert into access_tokens (id, token_hash, format, app_id, user_id, scopes, grant_type, ext,
        issued_at, expires_at, revoked_at, family_id)
      select lower(hex(randomblob(16))), lower(hex(randomblob(32))), 'opaque', @app, @user, '["api"]',
        'client_credentials', null, @now - i, @now + 86400000 + i, null, null from n`);
    for (let done = 0; done < count; done += CHUNK) {
      db.transaction(() =>
        insert.run({ rows: Math.min(CHUNK, count - done), app: app.id, user: user.id, now }),
      )();
    }
    db.pragma('analysis_limit = 1000');
    db.exec('analyze');
    db.close();
  } else {
    const c = new pg.Client({ connectionString: target });
    await c.connect();
    try {
      const app = (await c.query('select id from apps where client_id = $1', [owner.clientId])).rows[0].id;
      const user = (await c.query('select id from users limit 1')).rows[0].id;
      for (let done = 0; done < count; done += CHUNK) {
        await c.query(
          `insert into access_tokens (id, token_hash, format, app_id, user_id, scopes, grant_type, ext,
             issued_at, expires_at, revoked_at, family_id)
           select md5(random()::text || i), encode(sha256((random()::text || i)::bytea), 'hex'), 'opaque',
             $1, $2, '["api"]', 'client_credentials', null, $3::bigint - i, $3::bigint + 86400000 + i, null, null
           from generate_series(1, $4::int) as i`,
          [app, user, now, Math.min(CHUNK, count - done)],
        );
      }
      await c.query('vacuum analyze access_tokens');
    } finally {
      await c.end();
    }
  }
  return (performance.now() - t0) / 1000;
}
