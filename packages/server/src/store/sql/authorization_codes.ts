/**
 * Authorization codes (RFC 6749 §4.1.2): single use decided by one conditional UPDATE, never
 * by reading first and writing after, so exactly one of any number of racing exchanges wins.
 */
import type { Kysely, Selectable } from 'kysely';
import type { AuthorizationCode, AuthorizationCodeStore } from '../interfaces.ts';
import type { AuthorizationCodesTable, Database } from '../schema.ts';

const num = (v: number | null): number | null => (v === null ? null : Number(v));

function toCode(r: Selectable<AuthorizationCodesTable>): AuthorizationCode {
  return {
    codeHash: r.code_hash,
    appId: r.app_id,
    userId: r.user_id,
    approvalId: r.approval_id,
    redirectUri: r.redirect_uri,
    scopes: JSON.parse(r.scopes) as string[],
    codeChallenge: r.code_challenge,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    consumedAt: num(r.consumed_at),
    accessTokenId: r.access_token_id,
    refreshFamilyId: r.refresh_family_id,
    reusedAt: num(r.reused_at),
  };
}

export class SqlAuthorizationCodeStore implements AuthorizationCodeStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(c: AuthorizationCode): Promise<void> {
    await this.db
      .insertInto('authorization_codes')
      .values({
        code_hash: c.codeHash,
        app_id: c.appId,
        user_id: c.userId,
        approval_id: c.approvalId,
        redirect_uri: c.redirectUri,
        scopes: JSON.stringify(c.scopes),
        code_challenge: c.codeChallenge,
        created_at: c.createdAt,
        expires_at: c.expiresAt,
        consumed_at: c.consumedAt,
        access_token_id: c.accessTokenId,
        refresh_family_id: c.refreshFamilyId,
        reused_at: c.reusedAt,
      })
      .execute();
  }

  async findByHash(codeHash: string): Promise<AuthorizationCode | undefined> {
    const r = await this.db
      .selectFrom('authorization_codes')
      .selectAll()
      .where('code_hash', '=', codeHash)
      .executeTakeFirst();
    return r && toCode(r);
  }

  async consume(codeHash: string, now: number, accessTokenId: string): Promise<boolean> {
    const r = await this.db
      .updateTable('authorization_codes')
      .set({ consumed_at: now, access_token_id: accessTokenId })
      .where('code_hash', '=', codeHash)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async setRefreshFamily(codeHash: string, familyId: string): Promise<AuthorizationCode | undefined> {
    // Row-level: this UPDATE and markReused's are ordered by the database, so either the
    // reuse sees the family id, or this call sees reused_at (and the caller revokes).
    const r = await this.db
      .updateTable('authorization_codes')
      .set({ refresh_family_id: familyId })
      .where('code_hash', '=', codeHash)
      .returningAll()
      .executeTakeFirst();
    return r && toCode(r);
  }

  async markReused(codeHash: string, now: number): Promise<AuthorizationCode | undefined> {
    const r = await this.db
      .updateTable('authorization_codes')
      .set((eb) => ({ reused_at: eb.fn.coalesce('reused_at', eb.val(now)) }))
      .where('code_hash', '=', codeHash)
      .where('consumed_at', 'is not', null)
      .returningAll()
      .executeTakeFirst();
    return r && toCode(r);
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    const hashes = this.db
      .selectFrom('authorization_codes')
      .select('code_hash')
      .where('expires_at', '<', before)
      .limit(limit);
    const r = await this.db
      .deleteFrom('authorization_codes')
      .where('code_hash', 'in', hashes)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
