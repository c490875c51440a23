/**
 * Refresh-token families and tokens (RFC 6749 §6, RFC 9700 §4.14.2) in Kysely, one
 * implementation for both dialects. Every decision is made by the database:
 * - rotation: `UPDATE … WHERE retired_at IS NULL` — the row count says who won;
 * - revocation: the family, then its tokens, then its access tokens, in one
 *   transaction and in that order, so a rotation racing it either fails on the
 *   retired parent or commits first and has its access token revoked too.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AccessTokenRecord, RefreshFamily, RefreshTokenRecord } from '../../domain/types.ts';
import type { FoundRefreshToken, RefreshRotation, RefreshTokenStore } from '../interfaces.ts';
import type { Database, RefreshFamiliesTable, RefreshTokensTable } from '../schema.ts';
import { accessTokenRow } from './tokens.ts';

const num = (v: number | null): number | null => (v === null ? null : Number(v));

function toFamily(r: Selectable<RefreshFamiliesTable>): RefreshFamily {
  return {
    id: r.id,
    appId: r.app_id,
    userId: r.user_id,
    approvalId: r.approval_id,
    scopes: JSON.parse(r.scopes) as string[],
    createdAt: Number(r.created_at),
    expiresAt: num(r.expires_at),
    revokedAt: num(r.revoked_at),
  };
}

function toToken(r: Selectable<RefreshTokensTable>): RefreshTokenRecord {
  return {
    hash: r.token_hash,
    familyId: r.family_id,
    parentHash: r.parent_hash,
    issuedAt: Number(r.issued_at),
    lastUsedAt: num(r.last_used_at),
    retiredAt: num(r.retired_at),
    successorHash: r.successor_hash,
    graceSealed: r.grace_sealed,
    graceUntil: num(r.grace_until),
  };
}

function tokenRow(t: RefreshTokenRecord): RefreshTokensTable {
  return {
    token_hash: t.hash,
    family_id: t.familyId,
    parent_hash: t.parentHash,
    issued_at: t.issuedAt,
    last_used_at: t.lastUsedAt,
    retired_at: t.retiredAt,
    successor_hash: t.successorHash,
    grace_sealed: t.graceSealed,
    grace_until: t.graceUntil,
  };
}

/** The access token row, written here so that it commits (or not) with the refresh step. */
async function insertAccessToken(trx: Transaction<Database>, t: AccessTokenRecord): Promise<void> {
  await trx.insertInto('access_tokens').values(accessTokenRow(t)).execute();
}

export class SqlRefreshTokenStore implements RefreshTokenStore {
  constructor(private readonly db: Kysely<Database>) {}

  async createFamily(family: RefreshFamily, first: RefreshTokenRecord): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('refresh_families')
        .values({
          id: family.id,
          app_id: family.appId,
          user_id: family.userId,
          approval_id: family.approvalId,
          scopes: JSON.stringify(family.scopes),
          created_at: family.createdAt,
          expires_at: family.expiresAt,
          revoked_at: family.revokedAt,
        })
        .execute();
      await trx.insertInto('refresh_tokens').values(tokenRow(first)).execute();
    });
  }

  async findFamily(id: string): Promise<RefreshFamily | undefined> {
    const r = await this.db
      .selectFrom('refresh_families')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r && toFamily(r);
  }

  async findByHash(hash: string): Promise<FoundRefreshToken | undefined> {
    const t = await this.db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', hash)
      .executeTakeFirst();
    if (!t) return undefined;
    const f = await this.db
      .selectFrom('refresh_families')
      .selectAll()
      .where('id', '=', t.family_id)
      .executeTakeFirst();
    return f && { token: toToken(t), family: toFamily(f) };
  }

  async listTokens(familyId: string): Promise<RefreshTokenRecord[]> {
    const rows = await this.db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('family_id', '=', familyId)
      .orderBy('issued_at')
      .orderBy('token_hash')
      .execute();
    return rows.map(toToken);
  }

  async rotate(r: RefreshRotation): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // The single-use decision (RFC 9700 §4.14.2). On PostgreSQL a concurrent rotation of
      // the same parent waits on the row lock here, then re-checks and updates nothing.
      const won = await trx
        .updateTable('refresh_tokens')
        .set({
          retired_at: r.at,
          successor_hash: r.successor.hash,
          grace_sealed: r.grace?.sealed ?? null,
          grace_until: r.grace?.until ?? null,
        })
        .where('token_hash', '=', r.parentHash)
        .where('retired_at', 'is', null)
        .executeTakeFirst();
      if (Number(won.numUpdatedRows) !== 1) return false;
      // The grandparent's seal named the parent as successor; that pair is spent now.
      await trx
        .updateTable('refresh_tokens')
        .set({ grace_sealed: null })
        .where('successor_hash', '=', r.parentHash)
        .where('grace_sealed', 'is not', null)
        .execute();
      await trx.insertInto('refresh_tokens').values(tokenRow(r.successor)).execute();
      await insertAccessToken(trx, r.accessToken);
      return true;
    });
  }

  async recordUse(hash: string, at: number, accessToken: AccessTokenRecord): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const used = await trx
        .updateTable('refresh_tokens')
        .set({ last_used_at: at })
        .where('token_hash', '=', hash)
        .where('retired_at', 'is', null)
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1) return false;
      await insertAccessToken(trx, accessToken);
      return true;
    });
  }

  async revokeFamily(familyId: string, at: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('refresh_families')
        .set({ revoked_at: at })
        .where('id', '=', familyId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      await this.retireFamilies(trx, [familyId], at);
      return Number(r.numUpdatedRows) > 0;
    });
  }

  async revokeForApproval(approvalId: string, at: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .updateTable('refresh_families')
        .set({ revoked_at: at })
        .where('approval_id', '=', approvalId)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      const ids = rows.map((x) => x.id);
      if (ids.length > 0) await this.retireFamilies(trx, ids, at);
      return ids.length;
    });
  }

  /** Tokens, then access tokens: the order a racing rotation needs (see the file comment). */
  private async retireFamilies(trx: Transaction<Database>, ids: string[], at: number): Promise<void> {
    await trx
      .updateTable('refresh_tokens')
      .set({ retired_at: at })
      .where('family_id', 'in', ids)
      .where('retired_at', 'is', null)
      .execute();
    await trx
      .updateTable('refresh_tokens')
      .set({ grace_sealed: null })
      .where('family_id', 'in', ids)
      .where('grace_sealed', 'is not', null)
      .execute();
    await trx
      .updateTable('access_tokens')
      .set({ revoked_at: at })
      .where('family_id', 'in', ids)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async purgeEnded(before: number, limit: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('refresh_families')
        .select('id')
        .where((eb) => eb.or([eb('revoked_at', '<', before), eb('expires_at', '<', before)]))
        // No ORDER BY: ordered by id, the planners walk the primary key (reading every family
        // while few have ended) instead of the revoked_at / expires_at indexes (migration 0006).
        .limit(limit)
        .execute();
      const ids = rows.map((x) => x.id);
      if (ids.length === 0) return 0;
      // Explicit, so it does not depend on SQLite's foreign_keys pragma.
      await trx.deleteFrom('refresh_tokens').where('family_id', 'in', ids).execute();
      const r = await trx.deleteFrom('refresh_families').where('id', 'in', ids).executeTakeFirst();
      return Number(r.numDeletedRows);
    });
  }
}
