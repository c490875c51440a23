/**
 * Revocations of stateless JWT access tokens (RFC 7009 §2.1 for tokens that have no row in
 * access_tokens): table token_revocations (migration 0007). Each process keeps them in memory
 * (oauth/tokens/revocations.ts) and catches up with `seq > last seen`, which is only correct if
 * rows become visible in `seq` order:
 * - SQLite has one writer at a time, and a rowid is drawn inside the write transaction;
 * - PostgreSQL draws a sequence value at INSERT but commits later, so two writers could commit
 *   out of order and a reader that saw 10 would never see 9. Each insert therefore runs in a
 *   transaction holding one advisory lock until its COMMIT: revocations commit one at a time,
 *   in `seq` order. They are rare (a revoke call, an approval revoked), so this costs nothing.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { RevocationStore, TokenRevocation } from '../interfaces.ts';
import type { Database, TokenRevocationsTable } from '../schema.ts';

/** The advisory lock of revocation writes (any constant; "s2srevok" in ASCII). */
const WRITE_LOCK = 0x73327372_65766f6bn;

function toRevocation(r: Selectable<TokenRevocationsTable>): TokenRevocation & { seq: number } {
  const common = { seq: Number(r.seq), expiresAt: Number(r.expires_at), createdAt: Number(r.created_at) };
  if (r.kind === 'jti') return { kind: 'jti', jti: r.jti ?? '', ...common };
  return {
    kind: 'app_user',
    appId: r.app_id ?? '',
    userId: r.user_id ?? '',
    notBefore: Number(r.not_before),
    ...common,
  };
}

function row(r: TokenRevocation) {
  return r.kind === 'jti'
    ? {
        kind: r.kind,
        jti: r.jti,
        app_id: null,
        user_id: null,
        not_before: null,
        expires_at: r.expiresAt,
        created_at: r.createdAt,
      }
    : {
        kind: r.kind,
        jti: null,
        app_id: r.appId,
        user_id: r.userId,
        not_before: r.notBefore,
        expires_at: r.expiresAt,
        created_at: r.createdAt,
      };
}

export class SqlRevocationStore implements RevocationStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: 'sqlite' | 'postgres',
  ) {}

  async insert(r: TokenRevocation): Promise<number> {
    const insert = (db: Kysely<Database>) =>
      db.insertInto('token_revocations').values(row(r)).returning('seq').executeTakeFirstOrThrow();
    if (this.dialect === 'sqlite') return Number((await insert(this.db)).seq);
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${WRITE_LOCK.toString()}::bigint)`.execute(trx);
      return Number((await insert(trx)).seq);
    });
  }

  async listSince(after: number, now: number): Promise<Array<TokenRevocation & { seq: number }>> {
    const rows = await this.db
      .selectFrom('token_revocations')
      .selectAll()
      .where('seq', '>', after)
      .where('expires_at', '>', now)
      .orderBy('seq')
      .execute();
    return rows.map(toRevocation);
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    const seqs = this.db
      .selectFrom('token_revocations')
      .select('seq')
      .where('expires_at', '<', before)
      .limit(limit);
    const r = await this.db.deleteFrom('token_revocations').where('seq', 'in', seqs).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
