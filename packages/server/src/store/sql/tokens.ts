import type { Kysely, Selectable } from 'kysely';
import type { AccessTokenFormat, AccessTokenRecord } from '../../domain/types.ts';
import type { AccessTokenStore, ReplayStore } from '../interfaces.ts';
import type { AccessTokensTable, Database } from '../schema.ts';

function toRecord(r: Selectable<AccessTokensTable>): AccessTokenRecord {
  return {
    id: r.id,
    tokenHash: r.token_hash,
    format: r.format as AccessTokenFormat,
    appId: r.app_id,
    userId: r.user_id,
    scopes: JSON.parse(r.scopes) as string[],
    grantType: r.grant_type,
    ext: r.ext === null ? null : (JSON.parse(r.ext) as Record<string, unknown>),
    issuedAt: Number(r.issued_at),
    expiresAt: Number(r.expires_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
    ...(r.family_id === null ? {} : { familyId: r.family_id }),
  };
}

/** The row of an access token; also written by the refresh store inside its own transaction. */
export function accessTokenRow(t: AccessTokenRecord) {
  return {
    id: t.id,
    token_hash: t.tokenHash,
    format: t.format,
    app_id: t.appId,
    user_id: t.userId,
    scopes: JSON.stringify(t.scopes),
    grant_type: t.grantType,
    ext: t.ext === null ? null : JSON.stringify(t.ext),
    issued_at: t.issuedAt,
    expires_at: t.expiresAt,
    revoked_at: t.revokedAt,
    family_id: t.familyId ?? null,
  };
}

export class SqlAccessTokenStore implements AccessTokenStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(t: AccessTokenRecord): Promise<void> {
    await this.db.insertInto('access_tokens').values(accessTokenRow(t)).execute();
  }

  async findByHash(hash: string): Promise<AccessTokenRecord | undefined> {
    const r = await this.db
      .selectFrom('access_tokens')
      .selectAll()
      .where('token_hash', '=', hash)
      .executeTakeFirst();
    return r && toRecord(r);
  }

  async findById(id: string): Promise<AccessTokenRecord | undefined> {
    const r = await this.db.selectFrom('access_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toRecord(r);
  }

  async revoke(id: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('access_tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async revokeForAppUser(appId: string, userId: string, at: number): Promise<number> {
    const r = await this.db
      .updateTable('access_tokens')
      .set({ revoked_at: at })
      .where('app_id', '=', appId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    const ids = this.db
      .selectFrom('access_tokens')
      .select('id')
      .where('expires_at', '<', before)
      .limit(limit);
    const r = await this.db.deleteFrom('access_tokens').where('id', 'in', ids).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

export class SqlReplayStore implements ReplayStore {
  constructor(private readonly db: Kysely<Database>) {}

  async consume(key: string, expiresAt: number, now: number): Promise<boolean> {
    // One statement decides: insert, or take over a record that has expired.
    // A live record makes the upsert's WHERE false, so no row is written: a replay.
    const r = await this.db
      .insertInto('used_assertions')
      .values({ key, expires_at: expiresAt })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ expires_at: expiresAt })
          .where('used_assertions.expires_at', '<=', now),
      )
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    const keys = this.db
      .selectFrom('used_assertions')
      .select('key')
      .where('expires_at', '<', before)
      .limit(limit);
    const r = await this.db.deleteFrom('used_assertions').where('key', 'in', keys).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
