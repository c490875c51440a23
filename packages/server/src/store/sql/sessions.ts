/** Browser sessions of the login, consent and approvals pages, looked up by the SHA-256 of the cookie. */
import type { Kysely, Selectable } from 'kysely';
import type { BrowserSession, SessionStore } from '../interfaces.ts';
import type { BrowserSessionsTable, Database } from '../schema.ts';

function toSession(r: Selectable<BrowserSessionsTable>): BrowserSession {
  return {
    idHash: r.id_hash,
    userId: r.user_id,
    csrfSecret: r.csrf_secret,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
  };
}

export class SqlSessionStore implements SessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(s: BrowserSession): Promise<void> {
    await this.db
      .insertInto('browser_sessions')
      .values({
        id_hash: s.idHash,
        user_id: s.userId,
        csrf_secret: s.csrfSecret,
        created_at: s.createdAt,
        expires_at: s.expiresAt,
      })
      .execute();
  }

  async find(idHash: string, now: number): Promise<BrowserSession | undefined> {
    const r = await this.db
      .selectFrom('browser_sessions')
      .selectAll()
      .where('id_hash', '=', idHash)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return r && toSession(r);
  }

  async delete(idHash: string): Promise<boolean> {
    const r = await this.db.deleteFrom('browser_sessions').where('id_hash', '=', idHash).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    const ids = this.db
      .selectFrom('browser_sessions')
      .select('id_hash')
      .where('expires_at', '<', before)
      .limit(limit);
    const r = await this.db.deleteFrom('browser_sessions').where('id_hash', 'in', ids).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
